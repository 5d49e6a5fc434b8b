import { useState } from "preact/hooks";
import { api } from "../lib/client/api.ts";
import type { Invite } from "../lib/shared/wire.ts";
import { FormFoot, useSending } from "./DialogForm.tsx";
import { useModal } from "./use_modal.ts";

// Choices offered for how long a link works and how often it may be used.
const EXPIRY = [
  { label: "30 minutes", seconds: 1800 },
  { label: "1 hour", seconds: 3600 },
  { label: "1 day", seconds: 86400 },
  { label: "7 days", seconds: 7 * 86400 },
  { label: "30 days", seconds: 30 * 86400 },
  { label: "Never", seconds: 0 },
];
const USES = [0, 1, 5, 10, 25, 100];

/** "Invite people": makes a link to the channel, with a use and time limit, to copy and send. */
export function InviteDialog(
  { open, onClose, channelId, channelName }: {
    open: boolean;
    onClose(): void;
    channelId: string;
    channelName: string;
  },
) {
  const [invite, setInvite] = useState<Invite | null>(null);
  const sending = useSending();
  const [copied, setCopied] = useState(false);
  const dialog = useModal(open, () => {
    setInvite(null);
    sending.setError("");
    setCopied(false);
  });

  function create(event: Event): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const seconds = Number(data.get("expiry"));
    const uses = Number(data.get("uses"));
    return sending.run(async () => {
      setInvite(
        await api<Invite>("/invites", {
          method: "POST",
          body: {
            channelId,
            maxUses: uses > 0 ? uses : null,
            expiresInSeconds: seconds > 0 ? seconds : null,
          },
        }),
      );
    }, "The invite link could not be made.");
  }

  async function copy(): Promise<void> {
    if (!invite) return;
    try {
      await navigator.clipboard.writeText(invite.url);
      setCopied(true);
    } catch {
      // No clipboard permission: the link is selected for copying by hand.
      document.querySelector<HTMLInputElement>("#invite-link")?.select();
    }
  }

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="invite-dialog-title"
      onClose={onClose}
    >
      <form class="stack" onSubmit={create} noValidate>
        <h2 id="invite-dialog-title">Invite people to {channelName}</h2>
        <p class="muted">
          Anyone with the link can create an account (or sign in) and join this
          channel.
        </p>
        <label class="field">
          <span>Expires after</span>
          <select name="expiry" defaultValue={String(7 * 86400)}>
            {EXPIRY.map(({ label, seconds }) => (
              <option key={seconds} value={seconds}>{label}</option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Number of uses</span>
          <select name="uses" defaultValue="0">
            {USES.map((n) => (
              <option key={n} value={n}>
                {n === 0 ? "No limit" : n === 1 ? "1 use" : `${n} uses`}
              </option>
            ))}
          </select>
        </label>
        {invite && (
          <div class="field">
            <label for="invite-link">Invite link</label>
            <div class="copy-row">
              <input
                id="invite-link"
                readOnly
                value={invite.url}
                onFocus={(e) => e.currentTarget.select()}
              />
              <button type="button" class="button" onClick={copy}>
                {copied ? "Copied" : "Copy"}
              </button>
            </div>
          </div>
        )}
        <p class="sr-only" aria-live="polite">
          {copied ? "Invite link copied" : invite ? "Invite link ready" : ""}
        </p>
        <FormFoot
          sending={sending}
          submit={invite ? "New link" : "Create link"}
          cancel="Done"
          onCancel={onClose}
        />
      </form>
    </dialog>
  );
}
