import { useState } from "preact/hooks";
import { hueFor, initials } from "../lib/client/format.ts";

// Pixel sizes, matching the CSS boxes, so an image never shifts the layout.
const PIXELS = { sm: 28, md: 36, lg: 72 } as const;

/**
 * Someone's avatar: their uploaded image (small, lazy) when they have one,
 * their initials tinted by their id otherwise or if the image fails; decorative.
 */
export function Avatar(
  { id, name, size = "md", online, src }: {
    id: string;
    name: string;
    size?: "sm" | "md" | "lg";
    /** Shows a presence dot when set. */
    online?: boolean;
    /** The uploaded avatar (`/avatars/{id}/{version}`); initials without one. */
    src?: string | null;
  },
) {
  // Keyed by the image it is about: a new avatar gets a fresh try.
  const [failed, setFailed] = useState<string | null>(null);
  const image = src && failed !== src ? src : null;
  return (
    <span
      class={`avatar avatar-${size}${image ? " avatar-image" : ""}`}
      style={`--hue: ${hueFor(id)}`}
      aria-hidden="true"
    >
      {image
        ? (
          <img
            src={image}
            alt=""
            width={PIXELS[size]}
            height={PIXELS[size]}
            loading="lazy"
            decoding="async"
            onError={() => setFailed(image)}
          />
        )
        : initials(name)}
      {online !== undefined && (
        <span class={online ? "presence online" : "presence"} />
      )}
    </span>
  );
}
