import { api } from "../lib/client/api.ts";
import { slowModeLabel } from "../lib/client/channel_rules.ts";
import type { ChannelView } from "../lib/client/types.ts";
import { SLOW_MODE_CHOICES } from "../lib/shared/limits.ts";
import { FormFoot, useSending } from "./DialogForm.tsx";
import { useModal } from "./use_modal.ts";

/**
 * "Posting rules", for a channel's managers: slow mode (one message per
 * member every N) and "Only moderators can post" (read-only for members).
 * Open pages, this one included, follow through their `channel_updated` frame.
 */
export function ChannelRulesDialog(
  { open, onClose, channel }: {
    open: boolean;
    onClose(): void;
    channel: ChannelView;
  },
) {
  const sending = useSending();
  const dialog = useModal(open, () => sending.setError(""));
  const current = channel.slowModeSeconds ?? 0;
  // A window set through the API outside the menu's choices is still shown.
  const choices = SLOW_MODE_CHOICES.includes(current)
    ? SLOW_MODE_CHOICES
    : [...SLOW_MODE_CHOICES, current].sort((a, b) => a - b);

  function save(event: Event): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    return sending.run(async () => {
      await api(`/channels/${encodeURIComponent(channel.id)}`, {
        method: "PATCH",
        body: {
          slowModeSeconds: Number(data.get("slowModeSeconds")),
          postPolicy: data.get("moderatorsOnly") ? "moderators" : "everyone",
        },
      });
      onClose();
    }, "The rules could not be saved.");
  }

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="channel-rules-title"
      onClose={onClose}
    >
      {/* Keyed by the settings, so a change from elsewhere shows when reopened. */}
      <form
        key={`${current}/${channel.postPolicy}`}
        class="stack"
        onSubmit={save}
      >
        <h2 id="channel-rules-title">Posting rules</h2>
        <label class="field">
          <span>Slow mode</span>
          <select name="slowModeSeconds" defaultValue={String(current)}>
            {choices.map((seconds) => (
              <option key={seconds} value={String(seconds)}>
                {seconds === 0
                  ? "Off"
                  : `One message every ${slowModeLabel(seconds)}`}
              </option>
            ))}
          </select>
        </label>
        <p class="muted">
          Moderators and the channel's owner are never slowed down.
        </p>
        <label class="check">
          <input
            type="checkbox"
            name="moderatorsOnly"
            defaultChecked={channel.postPolicy === "moderators"}
          />
          <span>
            Only moderators can post
            <span class="muted block">
              Members can still read and react, as in an announcement channel.
            </span>
          </span>
        </label>
        <FormFoot sending={sending} submit="Save" onCancel={onClose} />
      </form>
    </dialog>
  );
}
