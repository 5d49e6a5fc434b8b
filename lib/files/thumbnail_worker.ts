/** Worker that draws thumbnails for `Thumbnailer`, so decoding never stalls the server's event loop. */
import { renderThumbnail } from "./thumbnail_render.ts";
import type { Box, RenderedThumbnail } from "./thumbnail_render.ts";
import type { Orientation } from "./orientation.ts";

/** A job: the image's bytes, the box and the EXIF orientation. */
export interface ThumbnailJob {
  id: number;
  bytes: Uint8Array;
  box: Box;
  orientation: Orientation;
  /** Cut the centred square first (an avatar). */
  square?: boolean;
}

/** The answer to the job with the same `id`. */
export type ThumbnailResult =
  | { id: number; ok: true; thumbnail: RenderedThumbnail }
  | { id: number; ok: false; error: string };

// The project's compiler libs describe a window, not a worker scope.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ThumbnailJob>) => void) | null;
  postMessage(message: ThumbnailResult, transfer?: Transferable[]): void;
};

scope.onmessage = (event) => {
  const job = event.data;
  try {
    const thumbnail = renderThumbnail(
      job.bytes,
      job.box,
      job.orientation,
      job.square,
    );
    const bytes = new Uint8Array(thumbnail.bytes);
    scope.postMessage({
      id: job.id,
      ok: true,
      thumbnail: { ...thumbnail, bytes },
    }, [
      bytes.buffer,
    ]);
  } catch (err) {
    // A bad image: answer, and let the pool decide whether to keep this worker.
    const error = err instanceof Error ? err.message : String(err);
    scope.postMessage({ id: job.id, ok: false, error });
  }
};
