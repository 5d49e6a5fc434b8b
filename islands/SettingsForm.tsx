import { useEffect, useState } from "preact/hooks";

/** What the settings show of me (a user as the API answers it). */
interface User {
  displayName: string;
  status: string;
  avatarUrl: string | null;
}

/** A form's outcome: what went wrong, or what was saved. */
interface Note {
  error: boolean;
  text: string;
}

/**
 * The settings forms: profile (display name and status), avatar (with a
 * preview cut to the centred square the server draws), and password.
 */
export default function SettingsForm(
  { user, mustChange }: { user: User; mustChange: boolean },
) {
  const [me, setMe] = useState(user);
  const [profileNote, setProfileNote] = useState<Note | null>(null);
  const [avatarNote, setAvatarNote] = useState<Note | null>(null);
  const [passwordNote, setPasswordNote] = useState<Note | null>(
    mustChange
      ? { error: true, text: "Choose a new password before going on." }
      : null,
  );
  const [sessionsNote, setSessionsNote] = useState<Note | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => () => {
    if (preview) URL.revokeObjectURL(preview);
  }, [preview]);

  async function run(
    work: () => Promise<Response>,
    note: (n: Note | null) => void,
    done: string,
  ): Promise<Response | null> {
    setBusy(true);
    note(null);
    try {
      const res = await work();
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        note({ error: true, text: body?.detail ?? "That did not work." });
        return null;
      }
      note({ error: false, text: done });
      return res;
    } catch {
      note({ error: true, text: "Hearth could not be reached." });
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function saveProfile(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const res = await run(
      () =>
        send("PATCH", "/me", {
          displayName: form.get("displayName"),
          status: form.get("status"),
        }),
      setProfileNote,
      "Profile saved.",
    );
    if (res) setMe(await res.json());
  }

  async function saveAvatar(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const res = await run(
      () =>
        fetch("/me/avatar", {
          method: "PUT",
          body: form,
          credentials: "same-origin",
        }),
      setAvatarNote,
      "Avatar saved.",
    );
    if (res) {
      setMe(await res.json());
      setPreview(null);
    }
  }

  async function removeAvatar() {
    const res = await run(
      () => send("DELETE", "/me/avatar"),
      setAvatarNote,
      "Avatar removed.",
    );
    if (res) setMe(await res.json());
  }

  async function changePassword(e: Event) {
    e.preventDefault();
    const target = e.currentTarget as HTMLFormElement;
    const form = new FormData(target);
    if (form.get("newPassword") !== form.get("confirmPassword")) {
      setPasswordNote({ error: true, text: "The new passwords differ." });
      return;
    }
    const res = await run(
      () =>
        send("POST", "/me/password", {
          currentPassword: form.get("currentPassword"),
          newPassword: form.get("newPassword"),
        }),
      setPasswordNote,
      "Password changed; your other sessions ended.",
    );
    if (res) target.reset();
  }

  const shown = preview ?? me.avatarUrl;
  return (
    <div class="settings-forms">
      <form class="auth-form" onSubmit={saveProfile} aria-label="Profile">
        <h2>Profile</h2>
        <label for="displayName">Display name</label>
        <input id="displayName" name="displayName" value={me.displayName} />
        <label for="status">Status</label>
        <input id="status" name="status" maxLength={80} value={me.status} />
        <Outcome note={profileNote} />
        <button type="submit" class="button" disabled={busy}>
          Save profile
        </button>
      </form>

      <form class="auth-form" onSubmit={saveAvatar} aria-label="Avatar">
        <h2>Avatar</h2>
        <div class="avatar-preview">
          {shown
            ? <img src={shown} alt="Your avatar" width="96" height="96" />
            : <span class="muted">No avatar</span>}
        </div>
        <label for="avatarFile">Image</label>
        <input
          id="avatarFile"
          name="file"
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          onChange={(e) => {
            const file = (e.currentTarget as HTMLInputElement).files?.[0];
            setPreview(file ? URL.createObjectURL(file) : null);
          }}
        />
        <Outcome note={avatarNote} />
        <div class="auth-buttons">
          <button type="submit" class="button" disabled={busy || !preview}>
            Save avatar
          </button>
          <button
            type="button"
            class="button secondary"
            disabled={busy || !me.avatarUrl}
            onClick={removeAvatar}
          >
            Remove
          </button>
        </div>
      </form>

      <form
        id="password"
        class="auth-form"
        onSubmit={changePassword}
        aria-label="Password"
      >
        <h2>Password</h2>
        <label for="currentPassword">Current password</label>
        <input
          id="currentPassword"
          name="currentPassword"
          type="password"
          autocomplete="current-password"
        />
        <label for="newPassword">New password</label>
        <input
          id="newPassword"
          name="newPassword"
          type="password"
          autocomplete="new-password"
        />
        <label for="confirmPassword">New password again</label>
        <input
          id="confirmPassword"
          name="confirmPassword"
          type="password"
          autocomplete="new-password"
        />
        <Outcome note={passwordNote} />
        <button type="submit" class="button" disabled={busy}>
          Change password
        </button>
      </form>
      <div class="auth-form">
        <h2>Sessions</h2>
        <Outcome note={sessionsNote} />
        <button
          type="button"
          class="button secondary"
          disabled={busy}
          onClick={() =>
            run(
              () => send("DELETE", "/me/sessions"),
              setSessionsNote,
              "Signed out everywhere else.",
            )}
        >
          Sign out everywhere else
        </button>
      </div>
      <p>
        <a href="/">Back to the chat</a>
      </p>
    </div>
  );
}

function Outcome({ note }: { note: Note | null }) {
  return (
    <p
      class={note?.error ? "form-error" : "form-note"}
      role="status"
      aria-live="polite"
    >
      {note?.text ?? ""}
    </p>
  );
}

function send(method: string, path: string, body?: unknown) {
  return fetch(path, {
    method,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
}
