import { useState } from "preact/hooks";
import { api, ApiFailure } from "../lib/client/api.ts";
import type { ChannelView } from "../lib/client/types.ts";
import {
  MAX_CHANNEL_NAME_LENGTH,
  MAX_TOPIC_LENGTH,
} from "../lib/shared/limits.ts";
import { useModal } from "./use_modal.ts";
import { WebhooksSection } from "./WebhooksSection.tsx";

/**
 * "Edit channel", for its managers: rename it, set its topic, or delete it
 * (after a second, explicit confirmation). The page follows the changes
 * through its socket, like everyone else's.
 */
export function ChannelSettingsDialog(
  { open, onClose, channel, protectedName }: {
    open: boolean;
    onClose(): void;
    channel: ChannelView;
    /** `general`: its name stays, and it cannot be deleted. */
    protectedName: boolean;
  },
) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const dialog = useModal(open, () => {
    setError("");
    setConfirming(false);
  });
  const path = `/channels/${encodeURIComponent(channel.id)}`;

  async function run(work: () => Promise<void>, failed: string) {
    setBusy(true);
    setError("");
    try {
      await work();
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : failed);
    } finally {
      setBusy(false);
    }
  }

  function save(event: Event): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const name = String(data.get("name") ?? "").trim();
    const topic = String(data.get("topic") ?? "").trim();
    if (!protectedName && !name) {
      setError("Give the channel a name.");
      return Promise.resolve();
    }
    return run(async () => {
      await api(path, {
        method: "PATCH",
        body: protectedName ? { topic } : { name, topic },
      });
      onClose();
    }, "The channel could not be saved.");
  }

  function remove(): Promise<void> {
    return run(async () => {
      await api(path, { method: "DELETE" });
      location.assign("/");
    }, "The channel could not be deleted.");
  }

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="channel-settings-title"
      onClose={onClose}
    >
      <form class="stack" onSubmit={save} noValidate>
        <h2 id="channel-settings-title">Edit channel</h2>
        <label class="field">
          <span>Channel name</span>
          <input
            name="name"
            defaultValue={channel.name}
            maxLength={MAX_CHANNEL_NAME_LENGTH}
            autocomplete="off"
            disabled={protectedName}
            required
          />
        </label>
        <label class="field">
          <span>
            Topic <span class="muted">(optional)</span>
          </span>
          <input
            name="topic"
            defaultValue={channel.topic}
            maxLength={MAX_TOPIC_LENGTH}
            autocomplete="off"
          />
        </label>
        <p class="form-error" role="alert">{error}</p>
        <div class="dialog-buttons">
          <button type="button" class="button secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button" disabled={busy}>Save</button>
        </div>
      </form>
      {channel.kind !== "dm" && (
        <WebhooksSection open={open} channelId={channel.id} />
      )}
      {!protectedName && (
        <div class="stack danger-zone">
          {confirming
            ? (
              <>
                <p>
                  Delete #{channel.name}{" "}
                  with all its messages and files, for everyone? This cannot be
                  undone.
                </p>
                <div class="dialog-buttons">
                  <button
                    type="button"
                    class="button secondary"
                    onClick={() => setConfirming(false)}
                  >
                    Keep it
                  </button>
                  <button
                    type="button"
                    class="button danger"
                    disabled={busy}
                    onClick={remove}
                  >
                    Delete for everyone
                  </button>
                </div>
              </>
            )
            : (
              <button
                type="button"
                class="button secondary"
                onClick={() => setConfirming(true)}
              >
                Delete channel…
              </button>
            )}
        </div>
      )}
    </dialog>
  );
}
