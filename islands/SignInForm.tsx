import { useEffect, useState } from "preact/hooks";

type Mode = "signin" | "register";

/** Signs a person in, or creates their account and signs them in, on one form. */
export default function SignInForm() {
  const [error, setError] = useState<string | null>(null);
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
        });
        if (!created.ok) return setError(await describe(created));
      }
      const login = await postJson("/auth/login", { username, password });
      if (!login.ok) return setError(await describe(login));
      location.assign("/");
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
      onSubmit={(e) => submit(e, "signin")}
      noValidate
    >
      <label for="username">Username</label>
      <input id="username" name="username" autocomplete="username" required />
      <label for="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="current-password"
        required
      />
      <p class="form-error" role="alert" aria-live="assertive">{error ?? ""}</p>
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
    </form>
  );
}

function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
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
