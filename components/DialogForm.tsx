/**
 * The parts the chat's small forms share (new channel, edit channel, posting
 * rules, webhooks, invite, report): one request at a time with the submit
 * button disabled meanwhile, a failure shown on the error line in the
 * server's words, and the dialog's Cancel and submit buttons.
 */
import { useState } from "preact/hooks";
import { ApiFailure } from "../lib/client/api.ts";
import {
  MAX_CHANNEL_NAME_LENGTH,
  MAX_TOPIC_LENGTH,
} from "../lib/shared/limits.ts";

/** A form's error line and busy state, and `run` to send its request. */
export interface Sending {
  error: string;
  setError(error: string): void;
  busy: boolean;
  /**
   * Runs `work` while busy; a failure becomes the error line (the server's
   * detail, else `failed`). `leaving`: still busy after success, as the page
   * is going elsewhere and a second press must not send again.
   */
  run(
    work: () => Promise<unknown>,
    failed: string,
    leaving?: boolean,
  ): Promise<void>;
}

/** The state of a form that sends one request at a time. */
export function useSending(): Sending {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  async function run(
    work: () => Promise<unknown>,
    failed: string,
    leaving = false,
  ): Promise<void> {
    setBusy(true);
    setError("");
    try {
      await work();
      if (!leaving) setBusy(false);
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : failed);
      setBusy(false);
    }
  }
  return { error, setError, busy, run };
}

/** A form's error line, read out when it changes. */
export function FormError({ error }: { error: string }) {
  return <p class="form-error" role="alert">{error}</p>;
}

/** The foot of a dialog's form: its error line, Cancel and the submit button. */
export function FormFoot(
  { sending, submit, cancel = "Cancel", onCancel }: {
    sending: Sending;
    /** The submit button's label. */
    submit: string;
    cancel?: string;
    onCancel(): void;
  },
) {
  return (
    <>
      <FormError error={sending.error} />
      <div class="dialog-buttons">
        <button type="button" class="button secondary" onClick={onCancel}>
          {cancel}
        </button>
        <button type="submit" class="button" disabled={sending.busy}>
          {submit}
        </button>
      </div>
    </>
  );
}

/** A channel's name and topic fields, as making and editing one ask them. */
export function ChannelFields(
  { name, topic, nameLocked = false }: {
    name?: string;
    topic?: string;
    /** `general` keeps its name. */
    nameLocked?: boolean;
  },
) {
  return (
    <>
      <label class="field">
        <span>Channel name</span>
        <input
          name="name"
          defaultValue={name}
          maxLength={MAX_CHANNEL_NAME_LENGTH}
          autocomplete="off"
          disabled={nameLocked}
          required
        />
      </label>
      <label class="field">
        <span>
          Topic <span class="muted">(optional)</span>
        </span>
        <input
          name="topic"
          defaultValue={topic}
          maxLength={MAX_TOPIC_LENGTH}
          autocomplete="off"
        />
      </label>
    </>
  );
}

/** The trimmed text of field `name` in a submitted form. */
export function fieldText(data: FormData, name: string): string {
  return String(data.get(name) ?? "").trim();
}
