import { formatBytes } from "../lib/client/format.ts";
import { mediaKind } from "../lib/client/media.ts";
import type { FileRef } from "../lib/client/types.ts";
import { DownloadLink } from "./DownloadLink.tsx";
import { Icon } from "./Icon.tsx";

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
 * megabytes), a player for video and audio, or a card with a download link.
 * `onView` opens an image in the lightbox; without script the thumbnail's
 * link opens the original.
 */
export function FileAttachment(
  { file, onView }: { file: FileRef; onView?: (fileId: string) => void },
) {
  const kind = mediaKind(file.type);
  const view = (event: MouseEvent) => {
    if (!onView || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    onView(file.id);
  };
  if (kind === "image" && file.thumbnailUrl) {
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
        onClick={view}
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
  const download = <DownloadLink file={file} />;
  if (kind === "video" || kind === "audio") {
    return (
      <figure class={`attachment-media attachment-${kind}`}>
        {kind === "video"
          ? (
            <video
              controls
              preload="metadata"
              src={file.url}
              aria-label={file.name}
            />
          )
          : (
            <audio
              controls
              preload="metadata"
              src={file.url}
              aria-label={file.name}
            />
          )}
        <figcaption class="attachment-card">
          <span class="attachment-meta">
            <span class="attachment-name">{file.name}</span>
            <span class="muted">{formatBytes(file.size)}</span>
          </span>
          {download}
        </figcaption>
      </figure>
    );
  }
  return (
    <div class="attachment-card">
      <span class="attachment-icon">
        <Icon name="file" size={22} />
      </span>
      <span class="attachment-meta">
        <span class="attachment-name">{file.name}</span>
        <span class="muted">
          {kind === "pdf"
            ? "PDF document, "
            : kind === "image"
            ? "Image, "
            : ""}
          {formatBytes(file.size)}
        </span>
      </span>
      {kind === "image" && onView && (
        // An image without a thumbnail (too large to draw, or older than
        // thumbnails): the original opens only when asked for.
        <a
          class="button secondary small"
          href={file.url}
          onClick={view}
          aria-label={`View ${file.name}`}
        >
          View
        </a>
      )}
      {download}
    </div>
  );
}
