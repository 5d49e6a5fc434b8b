import { useState } from "preact/hooks";
import { api } from "../lib/client/api.ts";
import type { Message } from "../lib/client/types.ts";
import { MAX_REASON_LENGTH } from "../lib/shared/limits.ts";
import { fieldText, FormFoot, useSending } from "./DialogForm.tsx";
import { useModal } from "./use_modal.ts";

/**
 * The message menu's Report dialog: asks why, sends the report to the
 * moderators, and says so once it is sent.
 */
export function ReportDialog(
  { message, onClose }: { message: Message; onClose(): void },
) {
  const sending = useSending();
  const [sent, setSent] = useState(false);
  const dialog = useModal(true, () => sending.setError(""));

  function submit(event: Event): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const reason = fieldText(data, "reason");
    if (!reason) {
      return Promise.resolve(
        sending.setError("Say what is wrong with this message."),
      );
    }
    return sending.run(async () => {
      await api(
        `/channels/${
          encodeURIComponent(message.channelId)
        }/messages/${message.seq}/report`,
        { method: "POST", body: { reason } },
      );
      setSent(true);
    }, "The report could not be sent.");
  }

  const titleId = `report-title-${message.channelId}-${message.seq}`;
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={titleId}
      onClose={onClose}
    >
      {sent
        ? (
          <div class="stack">
            <h2 id={titleId}>Report sent</h2>
            <p>Thank you. The moderators will look at it.</p>
            <div class="dialog-buttons">
              <button type="button" class="button" onClick={onClose}>
                Close
              </button>
            </div>
          </div>
        )
        : (
          <form class="stack" onSubmit={submit} noValidate>
            <h2 id={titleId}>Report message</h2>
            <p class="muted">
              The moderators see the message, who wrote it, and your reason.
            </p>
            <label class="field">
              <span>Reason</span>
              <textarea
                name="reason"
                maxLength={MAX_REASON_LENGTH}
                rows={3}
                required
              />
            </label>
            <FormFoot
              sending={sending}
              submit="Send report"
              onCancel={onClose}
            />
          </form>
        )}
    </dialog>
  );
}
