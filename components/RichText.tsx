import { linkify } from "../lib/client/linkify.ts";

/** Message text with its links made clickable; the text itself is never HTML. */
export function RichText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((part, i) =>
        part.kind === "link"
          ? (
            <a
              key={i}
              href={part.href}
              target="_blank"
              rel="noopener noreferrer nofollow"
            >
              {part.text}
            </a>
          )
          : part.text
      )}
    </>
  );
}
