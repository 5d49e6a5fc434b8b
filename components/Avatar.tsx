import { hueFor, initials } from "../lib/client/format.ts";

/** A round badge with someone's initials, tinted by their id; decorative. */
export function Avatar(
  { id, name, size = "md", online }: {
    id: string;
    name: string;
    size?: "sm" | "md";
    /** Shows a presence dot when set. */
    online?: boolean;
  },
) {
  return (
    <span
      class={`avatar avatar-${size}`}
      style={`--hue: ${hueFor(id)}`}
      aria-hidden="true"
    >
      {initials(name)}
      {online !== undefined && (
        <span class={online ? "presence online" : "presence"} />
      )}
    </span>
  );
}
