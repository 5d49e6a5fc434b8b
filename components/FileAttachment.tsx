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

/**
 * The size an inline image is shown at: its own shape scaled into the box
 * (never enlarged) when the server knows its pixels, else the whole box.
 */
export function displaySize(file: FileRef): { width: number; height: number } {
  const { width, height } = file;
  if (!width || !height) return IMAGE_BOX;
  const scale = Math.min(
    1,
    IMAGE_BOX.width / width,
    IMAGE_BOX.height / height,
  );
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * A message's file: an image's thumbnail (never the original, which may be
 * megabytes), or a card with a download link.
 */
export function FileAttachment({ file }: { file: FileRef }) {
  if (INLINE_IMAGES.has(file.type) && file.thumbnailUrl) {
    const shown = displaySize(file);
    // Without a known size (older uploads) the height is fixed instead, so
    // the image may change width when it loads, never the log's height.
    const boxed = !file.width || !file.height;
    return (
      <a
        class="attachment-image"
        href={file.url}
        target="_blank"
        rel="noopener"
        title={`${file.name} (${formatBytes(file.size)})`}
      >
        <img
          class={boxed ? "boxed" : undefined}
          src={file.thumbnailUrl}
          alt={file.name}
          width={shown.width}
          height={shown.height}
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
