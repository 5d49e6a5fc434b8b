import { formatBytes } from "../lib/client/format.ts";
import type { ChatStore } from "../lib/client/store.ts";
import { Icon } from "./Icon.tsx";

/** Files on their way up, each with a progress bar and a way to stop it. */
export function UploadList({ store }: { store: ChatStore }) {
  const uploads = store.uploads.value;
  if (uploads.length === 0) return null;
  return (
    <ul class="uploads" aria-label="Uploads">
      {uploads.map((upload) => {
        const percent = upload.size > 0
          ? Math.min(100, Math.round(upload.loaded / upload.size * 100))
          : 0;
        return (
          <li
            key={upload.id}
            class={upload.error ? "upload upload-failed" : "upload"}
          >
            <Icon name="file" size={18} />
            <div class="upload-main">
              <div class="upload-line">
                <span class="upload-name">{upload.name}</span>
                <span class="muted">
                  {upload.error ? formatBytes(upload.size) : `${percent}%`}
                </span>
              </div>
              {upload.caption && (
                <p class="upload-caption">
                  <span class="sr-only">Caption:</span> {upload.caption}
                </p>
              )}
              {upload.error
                ? <p class="form-error" role="alert">{upload.error}</p>
                : (
                  <div
                    class="progress"
                    role="progressbar"
                    aria-label={`Uploading ${upload.name}`}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={percent}
                  >
                    <div class="progress-bar" style={`width: ${percent}%`} />
                  </div>
                )}
            </div>
            {upload.error && !upload.refused && (
              <button
                type="button"
                class="button secondary small"
                onClick={() => store.retryUpload(upload.id)}
              >
                Retry
              </button>
            )}
            <button
              type="button"
              class="icon-button small"
              onClick={() => store.cancelUpload(upload.id)}
              aria-label={upload.error
                ? `Dismiss ${upload.name}`
                : `Cancel upload of ${upload.name}`}
              title={upload.error ? "Dismiss" : "Cancel"}
            >
              <Icon name="x" size={16} />
            </button>
          </li>
        );
      })}
    </ul>
  );
}
