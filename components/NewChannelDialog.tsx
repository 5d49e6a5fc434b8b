import { useState } from "preact/hooks";
import { api, ApiFailure } from "../lib/client/api.ts";
import type { ChannelView } from "../lib/client/types.ts";
import {
  MAX_CHANNEL_NAME_LENGTH,
  MAX_TOPIC_LENGTH,
} from "../lib/shared/limits.ts";
import { useModal } from "./use_modal.ts";

/** The "New channel" form, in a modal dialog; creating opens the channel. */
export function NewChannelDialog(
  { open, onClose }: { open: boolean; onClose(): void },
) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const dialog = useModal(open, () => {
    setError("");
  });

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "").trim();
    const topic = String(data.get("topic") ?? "").trim();
    if (!name) return setError("Give the channel a name.");
    setBusy(true);
    setError("");
    try {
      const channel = await api<ChannelView>("/channels", {
        method: "POST",
        body: { name, topic, private: data.get("private") === "on" },
      });
      location.assign(`/c/${encodeURIComponent(channel.id)}`);
    } catch (failure) {
      setError(
        failure instanceof ApiFailure
          ? failure.message
          : "The channel could not be created.",
      );
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="new-channel-title"
      onClose={onClose}
    >
      <form class="stack" onSubmit={submit} noValidate>
        <h2 id="new-channel-title">New channel</h2>
        <label class="field">
          <span>Channel name</span>
          <input
            name="name"
            maxLength={MAX_CHANNEL_NAME_LENGTH}
            autocomplete="off"
            required
          />
        </label>
        <label class="field">
          <span>
            Topic <span class="muted">(optional)</span>
          </span>
          <input name="topic" maxLength={MAX_TOPIC_LENGTH} autocomplete="off" />
        </label>
        <label class="check">
          <input type="checkbox" name="private" />
          <span>
            Private
            <span class="muted block">
              Only people the owner adds can see it.
            </span>
          </span>
        </label>
        <p class="form-error" role="alert">{error}</p>
        <div class="dialog-buttons">
          <button type="button" class="button secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button" disabled={busy}>
            Create
          </button>
        </div>
      </form>
    </dialog>
  );
}
