/** Files on their way up: progress, cancel, retry; stored ones join the log. */
import type { ApiFailure } from "./api.ts";
import { notePosted, noteRefusal } from "./channel_rules.ts";
import { formatBytes } from "./format.ts";
import type { ChatState, UploadItem } from "./state.ts";
import type { Message } from "./types.ts";
import { CANCELLED, uploadFile, type UploadHandle } from "./upload.ts";

/** Builds the upload actions over `state`. */
export function createUploadQueue(
  state: ChatState,
  stored: (message: Message) => void,
) {
  const { uploads } = state;
  const handles = new Map<string, UploadHandle>();
  // The message box: gives its text to caption a file, takes it back on cancel.
  let captions: CaptionSource | null = null;

  function patch(id: string, change: Partial<UploadItem>): void {
    uploads.value = uploads.value.map((u) =>
      u.id === id ? { ...u, ...change } : u
    );
  }

  function remove(id: string): void {
    uploads.value = uploads.value.filter((u) => u.id !== id);
  }

  function start(item: UploadItem): void {
    const handle = uploadFile(state.channelId!, item.file, {
      content: item.caption,
      onProgress: (loaded) => patch(item.id, { loaded }),
    });
    handles.set(item.id, handle);
    handle.done.then((message) => {
      remove(item.id);
      stored(message);
      notePosted(state.posting, state.me, state.channel.value);
    }, (error: ApiFailure) => {
      noteRefusal(state.posting, error);
      if (error.status === CANCELLED) dropped(item);
      // 413: the same bytes would be refused again, so no Retry.
      else {patch(item.id, {
          error: error.message,
          refused: error.status === 413,
        });}
    }).finally(() => handles.delete(item.id));
  }

  /**
   * Starts uploading files to the open channel. A file over the server's
   * limit is refused here, before a byte is sent, in words. The text typed
   * in the message box goes with the first file that goes up, as its caption,
   * unless `withCaption` is false (the file is text the box refused).
   */
  function upload(files: Iterable<File>, withCaption = true): void {
    if (state.channelId === null) return;
    let captioned = !withCaption;
    for (const file of files) {
      const item: UploadItem = {
        id: crypto.randomUUID(),
        name: file.name || "pasted file",
        size: file.size,
        loaded: 0,
        file,
      };
      const refusal = sizeRefusal(file.size, state.maxUploadBytes);
      if (refusal) {
        uploads.value = [
          ...uploads.value,
          { ...item, error: refusal, refused: true },
        ];
        continue;
      }
      if (!captioned) {
        captioned = true;
        const caption = captions?.take() ?? "";
        if (caption) item.caption = caption;
      }
      uploads.value = [...uploads.value, item];
      start(item);
    }
  }

  // A file the person gave up on: its caption goes back to the box.
  function dropped(item: UploadItem): void {
    remove(item.id);
    if (item.caption) captions?.restore(item.caption);
  }

  /** Cancels a running upload, or dismisses a failed one. */
  function cancelUpload(id: string): void {
    const handle = handles.get(id);
    const item = uploads.value.find((u) => u.id === id);
    if (handle) handle.abort();
    else if (item) dropped(item);
  }

  /** Tries a failed upload again. */
  function retryUpload(id: string): void {
    const item = uploads.value.find((u) => u.id === id);
    if (!item || item.refused) return;
    const fresh = { ...item, error: undefined, loaded: 0 };
    patch(id, fresh);
    start(fresh);
  }

  /** Sets where captions come from (the message box); returns how to unset it. */
  function takeCaptionsFrom(source: CaptionSource): () => void {
    captions = source;
    return () => {
      if (captions === source) captions = null;
    };
  }

  return { upload, cancelUpload, retryUpload, takeCaptionsFrom };
}

/** Where captions come from: the message box. */
export interface CaptionSource {
  /** Empties the box and returns its text ("" for none). */
  take(): string;
  /** Puts a cancelled upload's caption back, unless something was typed since. */
  restore(text: string): void;
}

/**
 * Why a file of `size` bytes cannot go up to a server taking `limit`, as a
 * sentence ("This file is 120 MB; the limit here is 100 MB."), or null when it can.
 */
export function sizeRefusal(size: number, limit: number): string | null {
  if (size <= limit) return null;
  let shown = formatBytes(size);
  // "100 MB" over a limit of "100 MB" would read as no reason at all.
  if (shown === formatBytes(limit)) {
    shown = `${(size / 1024 / 1024).toFixed(1)} MB`;
  }
  return `This file is ${shown}; the limit here is ${formatBytes(limit)}.`;
}
