import { useState } from "preact/hooks";
import { api, ApiFailure } from "../lib/client/api.ts";
import type { Message } from "../lib/client/types.ts";
import { MAX_REASON_LENGTH } from "../lib/shared/limits.ts";
import { useModal } from "./use_modal.ts";

/**
 * The message menu's Report item: a button that opens a small dialog asking
 * why, then sends the report to the moderators.
 */
export function ReportButton({ message }: { message: Message }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        class="menu-button"
        onClick={() => setOpen(true)}
      >
        Report
      </button>
      {open && (
        <ReportDialog
          message={message}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

/** Asks for the reason of a report and sends it; says so once it is sent. */
function ReportDialog(
  { message, onClose }: { message: Message; onClose(): void },
) {
  const [error, setError] = useState("");
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const dialog = useModal(true, () => setError(""));

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const reason = String(data.get("reason") ?? "").trim();
    if (!reason) return setError("Say what is wrong with this message.");
    setBusy(true);
    setError("");
    try {
      await api(
        `/channels/${
          encodeURIComponent(message.channelId)
        }/messages/${message.seq}/report`,
        { method: "POST", body: { reason } },
      );
      setSent(true);
    } catch (failure) {
      setError(
        failure instanceof ApiFailure
          ? failure.message
          : "The report could not be sent.",
      );
    }
    setBusy(false);
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
            <p class="form-error" role="alert">{error}</p>
            <div class="dialog-buttons">
              <button type="button" class="button secondary" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" class="button" disabled={busy}>
                Send report
              </button>
            </div>
          </form>
        )}
    </dialog>
  );
}
