import { useState } from "preact/hooks";
import { api } from "../../lib/client/api.ts";
import {
  REGISTRATION_MODES,
  type SettingsView,
} from "../../lib/shared/admin_wire.ts";
import { failureText, useLoad } from "./use_load.ts";

const MODE_TEXT = {
  open: "Open: anyone may create an account",
  invite: "Invite: only people with an invite link",
  closed: "Closed: nobody new",
};

/** The instance's name and registration mode (shown fixed when the operator set it). */
export function SettingsTab() {
  const { data, error } = useLoad<SettingsView>("/settings");
  if (!data) return <p class="form-error" role="alert">{error}</p>;
  return <SettingsForm initial={data} />;
}

function SettingsForm({ initial }: { initial: SettingsView }) {
  const [settings, setSettings] = useState(initial);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);
  const fixed = settings.registrationSetByOperator;

  async function save(event: Event): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    try {
      const saved = await api<SettingsView>("/settings", {
        method: "PATCH",
        body: {
          name: String(data.get("name") ?? ""),
          ...(fixed ? {} : { registration: data.get("registration") }),
        },
      });
      setSettings(saved);
      setNote({ text: "Settings saved.", error: false });
    } catch (failure) {
      setNote({ text: failureText(failure), error: true });
    }
    setBusy(false);
  }

  return (
    <form class="stack admin-form" onSubmit={save} aria-labelledby="settings-h">
      <h2 id="settings-h">Instance settings</h2>
      <label class="field">
        <span>Instance name</span>
        <input
          name="name"
          defaultValue={settings.name}
          maxLength={64}
          required
        />
      </label>
      <fieldset class="field" disabled={fixed} aria-describedby="mode-note">
        <legend>Registration</legend>
        {REGISTRATION_MODES.map((mode) => (
          <label key={mode} class="check">
            <input
              type="radio"
              name="registration"
              value={mode}
              defaultChecked={settings.registration === mode}
            />
            <span>{MODE_TEXT[mode]}</span>
          </label>
        ))}
        <p id="mode-note" class="muted">
          {fixed
            ? "Set by the server's operator (--registration or HEARTH_REGISTRATION): it cannot be changed here."
            : "The first account can always be created."}
        </p>
      </fieldset>
      <p class={note?.error ? "form-error" : "form-note"} role="status">
        {note?.text ?? ""}
      </p>
      <button type="submit" class="button" disabled={busy}>
        Save settings
      </button>
    </form>
  );
}
