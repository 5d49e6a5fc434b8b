import { useEffect, useRef, useState } from "preact/hooks";
import { formatBytes } from "../lib/client/format.ts";
import type { ChatStore } from "../lib/client/store.ts";
import { DownloadLink } from "./DownloadLink.tsx";
import { Icon } from "./Icon.tsx";

/**
 * The original of an image, in a modal dialog over the chat: Escape closes
 * it (focus goes back where it was), the arrow keys (and Home and End) move
 * between the images of the loaded messages, + and - (or the button, or a
 * click on the image) zoom between fitting the screen and full size, and a
 * link downloads it.
 */
export function Lightbox({ store }: { store: ChatStore }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  // Zoom belongs to one image: keyed by its id, moving on shows the next one
  // fitted without an effect that could land after a quick "+" and undo it.
  const [zoomedId, setZoomedId] = useState<string | null>(null);
  const viewing = store.viewing.value;
  const zoomed = viewing !== null && zoomedId === viewing;
  const setZoomed = (on: boolean) => setZoomedId(on ? viewing : null);
  const images = store.images.value;
  const index = images.findIndex((file) => file.id === viewing);
  const file = index >= 0 ? images[index] : null;

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (file && !el.open) {
      opener.current = document.activeElement as HTMLElement | null;
      el.showModal();
    } else if (!file && el.open) el.close();
  }, [file !== null]);

  function close(): void {
    store.closeViewer();
    // The dialog restores focus itself in most browsers; this covers the rest.
    requestAnimationFrame(() => opener.current?.focus());
  }

  function move(to: number): void {
    if (images.length === 0) return;
    const next = Math.min(images.length - 1, Math.max(0, to));
    store.viewImage(images[next].id);
  }

  function onKeyDown(event: KeyboardEvent): void {
    const keys: Record<string, () => void> = {
      ArrowLeft: () => move(index - 1),
      ArrowRight: () => move(index + 1),
      Home: () => move(0),
      End: () => move(images.length - 1),
      "+": () => setZoomed(true),
      "=": () => setZoomed(true),
      "-": () => setZoomed(false),
    };
    const action = keys[event.key];
    if (!action || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    action();
  }

  return (
    <dialog
      ref={dialog}
      class="lightbox"
      aria-labelledby="lightbox-title"
      aria-describedby="lightbox-position"
      onClose={() => store.viewing.value !== null && close()}
      onKeyDown={onKeyDown}
    >
      {file && (
        <>
          <div class="lightbox-bar">
            <div class="lightbox-caption">
              <h2 id="lightbox-title">{file.name}</h2>
              <p id="lightbox-position" class="muted">
                Image {index + 1} of {images.length}, {formatBytes(file.size)}
                {file.width && file.height
                  ? `, ${file.width} × ${file.height}`
                  : ""}
              </p>
            </div>
            <button
              type="button"
              class="icon-button"
              onClick={() => move(index - 1)}
              disabled={index === 0}
              aria-label="Previous image"
              title="Previous (←)"
            >
              <Icon name="chevronLeft" />
            </button>
            <button
              type="button"
              class="icon-button"
              onClick={() => move(index + 1)}
              disabled={index === images.length - 1}
              aria-label="Next image"
              title="Next (→)"
            >
              <Icon name="chevronRight" />
            </button>
            <button
              type="button"
              class="icon-button"
              onClick={() => setZoomed(!zoomed)}
              aria-pressed={zoomed}
              aria-label="Full size"
              title={zoomed ? "Fit to screen (-)" : "Full size (+)"}
            >
              <Icon name={zoomed ? "zoomOut" : "zoomIn"} />
            </button>
            <DownloadLink file={file} />
            <button
              type="button"
              class="icon-button"
              onClick={close}
              aria-label="Close"
              title="Close (Esc)"
              autofocus
            >
              <Icon name="x" />
            </button>
          </div>
          <div class={zoomed ? "lightbox-stage zoomed" : "lightbox-stage"}>
            <img
              key={file.id}
              src={file.url}
              alt={file.name}
              width={file.width}
              height={file.height}
              onClick={() => setZoomed(!zoomed)}
            />
          </div>
        </>
      )}
    </dialog>
  );
}
