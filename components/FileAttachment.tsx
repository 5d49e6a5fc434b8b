import { formatBytes } from "../lib/client/format.ts";
import type { FileRef } from "../lib/client/types.ts";
import { Icon } from "./Icon.tsx";

/** Types the server shows inline; everything else downloads. */
const INLINE_IMAGES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

/** The box an inline image is fitted into, so the log never jumps when it loads. */
export const IMAGE_BOX = { width: 360, height: 240 };

/** A message's file: an inline image, or a card with a download link. */
export function FileAttachment({ file }: { file: FileRef }) {
  if (INLINE_IMAGES.has(file.type)) {
    return (
      <a
        class="attachment-image"
        href={file.url}
        target="_blank"
        rel="noopener"
        title={`${file.name} (${formatBytes(file.size)})`}
      >
        <img
          src={file.url}
          alt={file.name}
          width={IMAGE_BOX.width}
          height={IMAGE_BOX.height}
          loading="lazy"
          decoding="async"
        />
      </a>
    );
  }
  return (
    <div class="attachment-card">
      <span class="attachment-icon">
        <Icon name="file" size={22} />
      </span>
      <span class="attachment-meta">
        <span class="attachment-name">{file.name}</span>
        <span class="muted">{formatBytes(file.size)}</span>
      </span>
      <a
        class="button secondary small"
        href={file.url}
        download={file.name}
        aria-label={`Download ${file.name}`}
      >
        <Icon name="download" size={16} /> Download
      </a>
    </div>
  );
}
