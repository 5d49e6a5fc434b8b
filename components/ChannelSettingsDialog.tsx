import { useState } from "preact/hooks";
import { api } from "../lib/client/api.ts";
import type { ChannelView } from "../lib/client/types.ts";
import {
  ChannelFields,
  fieldText,
  FormFoot,
  useSending,
} from "./DialogForm.tsx";
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
  const sending = useSending();
  const [confirming, setConfirming] = useState(false);
  const dialog = useModal(open, () => {
    sending.setError("");
    setConfirming(false);
  });
  const path = `/channels/${encodeURIComponent(channel.id)}`;

  function save(event: Event): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const name = fieldText(data, "name");
    const topic = fieldText(data, "topic");
    if (!protectedName && !name) {
      return Promise.resolve(sending.setError("Give the channel a name."));
    }
    return sending.run(async () => {
      await api(path, {
        method: "PATCH",
        body: protectedName ? { topic } : { name, topic },
      });
      onClose();
    }, "The channel could not be saved.");
  }

  function remove(): Promise<void> {
    return sending.run(async () => {
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
        <ChannelFields
          name={channel.name}
          topic={channel.topic}
          nameLocked={protectedName}
        />
        <FormFoot sending={sending} submit="Save" onCancel={onClose} />
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
                    disabled={sending.busy}
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
