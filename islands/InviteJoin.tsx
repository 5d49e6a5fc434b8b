import { useEffect, useState } from "preact/hooks";
import { api, ApiFailure } from "../lib/client/api.ts";

/** One button that accepts an invite for the signed-in visitor and opens its channel. */
export default function InviteJoin(
  { code, where, next }: { code: string; where: string; next: string },
) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  // Disabled in the server's HTML: a click before hydration would do nothing.
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);

  async function join(): Promise<void> {
    setBusy(true);
    setError("");
    try {
      await api(`/invites/${encodeURIComponent(code)}/accept`, {
        method: "POST",
      });
      location.assign(next);
    } catch (failure) {
      setError(
        failure instanceof ApiFailure
          ? failure.message
          : "Joining did not work. Please try again.",
      );
      setBusy(false);
    }
  }

  return (
    <div class="stack">
      <button
        type="button"
        class="button"
        disabled={busy || !live}
        onClick={join}
      >
        Join {where}
      </button>
      <p class="form-error" role="alert">{error}</p>
    </div>
  );
}
