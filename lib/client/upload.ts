/** File uploads with XMLHttpRequest, which (unlike fetch) reports upload progress. */
import { ApiFailure, failureOf, OFFLINE } from "./api.ts";
import type { Message } from "./types.ts";

/** A running upload. */
export interface UploadHandle {
  /** Settles with the stored message, or an `ApiFailure` (status -1 when cancelled). */
  done: Promise<Message>;
  /** Cancels the upload; `done` rejects with status -1. */
  abort(): void;
}

/** Status of an `ApiFailure` for an upload the person cancelled. */
export const CANCELLED = -1;

/** Posts `file` (and an optional caption) to the channel as multipart form data. */
export function uploadFile(
  channelId: string,
  file: File,
  options: {
    content?: string;
    onProgress?: (loaded: number, total: number) => void;
  } = {},
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Message>((resolve, reject) => {
    xhr.open("POST", `/channels/${encodeURIComponent(channelId)}/files`);
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (event) => {
      options.onProgress?.(
        event.loaded,
        event.lengthComputable ? event.total : file.size,
      );
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          return resolve(JSON.parse(xhr.responseText) as Message);
        } catch {
          return reject(
            new ApiFailure(xhr.status, "The server sent an unreadable answer."),
          );
        }
      }
      reject(
        failureOf(
          xhr.status,
          xhr.responseText,
          xhr.getResponseHeader("retry-after"),
        ),
      );
    };
    xhr.onerror = () => reject(new ApiFailure(0, OFFLINE));
    xhr.onabort = () => reject(new ApiFailure(CANCELLED, "Upload cancelled."));
    const form = new FormData();
    if (options.content?.trim()) form.append("content", options.content.trim());
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
