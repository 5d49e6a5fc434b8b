/** Files on their way up: progress, cancel, retry; stored ones join the log. */
import type { ApiFailure } from "./api.ts";
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
      onProgress: (loaded) => patch(item.id, { loaded }),
    });
    handles.set(item.id, handle);
    handle.done.then((message) => {
      remove(item.id);
      stored(message);
    }, (error: ApiFailure) => {
      if (error.status === CANCELLED) remove(item.id);
      else patch(item.id, { error: error.message });
    }).finally(() => handles.delete(item.id));
  }

  /** Starts uploading files to the open channel. */
  function upload(files: Iterable<File>): void {
    if (state.channelId === null) return;
    for (const file of files) {
      const item: UploadItem = {
        id: crypto.randomUUID(),
        name: file.name || "pasted file",
        size: file.size,
        loaded: 0,
        file,
      };
      uploads.value = [...uploads.value, item];
      start(item);
    }
  }

  /** Cancels a running upload, or dismisses a failed one. */
  function cancelUpload(id: string): void {
    const handle = handles.get(id);
    if (handle) handle.abort();
    else remove(id);
  }

  /** Tries a failed upload again. */
  function retryUpload(id: string): void {
    const item = uploads.value.find((u) => u.id === id);
    if (!item) return;
    const fresh = { ...item, error: undefined, loaded: 0 };
    patch(id, fresh);
    start(fresh);
  }

  return { upload, cancelUpload, retryUpload };
}
