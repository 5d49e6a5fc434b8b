import { useEffect, useState } from "preact/hooks";

type Mode = "signin" | "register";

/** What the form does besides signing in, on an invite's page. */
export interface SignInFormProps {
  /**
   * An invite code: a new account is created with it, and someone signing in
   * to an account they have accepts it, so both end up in its channel.
   */
  invite?: string;
  /** Where to go once signed in; the front door by default. */
  next?: string;
  /** Why the person is here, shown where errors show until they try again. */
  notice?: string;
}

/** Signs a person in, or creates their account and signs them in, on one form. */
export default function SignInForm(
  { invite, next, notice }: SignInFormProps,
) {
  const [error, setError] = useState<string | null>(notice ?? null);
  const [busy, setBusy] = useState(false);
  // The server's HTML has the buttons disabled: until this runs, a click
  // would do nothing (or submit the password in the URL).
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);

  async function submit(event: Event, mode: Mode) {
    event.preventDefault();
    const form = (event.currentTarget as HTMLElement).closest("form")!;
    const data = new FormData(form);
    const username = String(data.get("username") ?? "").trim();
    const password = String(data.get("password") ?? "");
    if (!username) return setError("Enter your username.");
    if (!password) return setError("Enter your password.");
    if (mode === "register" && password.length < 8) {
      return setError("Choose a password of at least 8 characters.");
    }
    setBusy(true);
    setError(null);
    try {
      if (mode === "register") {
        const created = await postJson("/auth/register", {
          username,
          password,
          invite,
        });
        if (!created.ok) return setError(await describe(created));
      }
      const login = await postJson("/auth/login", { username, password });
      if (!login.ok) return setError(await describe(login));
      // A temporary password (hearth reset-password) is changed before anything else.
      if ((await login.json()).mustChangePassword === true) {
        return location.assign("/settings?reset#password");
      }
      if (invite !== undefined && mode === "signin") {
        const accepted = await postJson(
          `/invites/${encodeURIComponent(invite)}/accept`,
          undefined,
        );
        if (!accepted.ok) return setError(await describe(accepted));
      }
      location.assign(next ?? "/");
    } catch {
      setError(
        "Hearth could not be reached. Check your connection and try again.",
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="auth-form"
      onSubmit={(e) => submit(e, invite === undefined ? "signin" : "register")}
      noValidate
    >
      <label for="username">Username</label>
      <input id="username" name="username" autocomplete="username" required />
      <label for="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete={invite === undefined
          ? "current-password"
          : "new-password"}
        required
      />
      <p class="form-error" role="alert" aria-live="assertive">{error ?? ""}</p>
      {invite === undefined
        ? (
          <div class="auth-buttons">
            <button type="submit" class="button" disabled={busy || !live}>
              Sign in
            </button>
            <button
              type="button"
              class="button secondary"
              disabled={busy || !live}
              onClick={(e) => submit(e, "register")}
            >
              Create account
            </button>
          </div>
        )
        : (
          // Someone with an invite is most likely new: creating comes first.
          <div class="auth-buttons">
            <button type="submit" class="button" disabled={busy || !live}>
              Create account and join
            </button>
            <button
              type="button"
              class="button secondary"
              disabled={busy || !live}
              onClick={(e) => submit(e, "signin")}
            >
              Sign in and join
            </button>
          </div>
        )}
    </form>
  );
}

function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    headers: body === undefined
      ? { accept: "application/json" }
      : { "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
}

// Server errors carry a human sentence in `detail`; show that, never the code.
async function describe(response: Response): Promise<string> {
  if (response.status === 429) {
    return "Too many attempts. Wait a little and try again.";
  }
  try {
    const body = await response.json();
    if (typeof body?.detail === "string") return sentence(body.detail);
  } catch {
    // Not JSON: fall through to a generic sentence.
  }
  return "Something went wrong. Please try again.";
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
