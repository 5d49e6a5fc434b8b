import { useState } from "preact/hooks";
import { api, ApiFailure } from "../lib/client/api.ts";
import type { ChannelView } from "../lib/client/types.ts";

/** Shown in a public channel the user is not in: what it is, and a Join button. */
export function JoinPrompt({ channel }: { channel: ChannelView }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function join(): Promise<void> {
    setBusy(true);
    setError("");
    try {
      await api(`/channels/${encodeURIComponent(channel.id)}/join`, {
        method: "POST",
      });
      location.reload();
    } catch (failure) {
      setError(
        failure instanceof ApiFailure ? failure.message : "Joining failed.",
      );
      setBusy(false);
    }
  }

  return (
    <section class="join-prompt" aria-labelledby="join-title">
      <h2 id="join-title">You are not in #{channel.name} yet</h2>
      {channel.topic && <p>{channel.topic}</p>}
      <p class="muted">
        {channel.memberCount === 1
          ? "1 member"
          : `${channel.memberCount} members`}. Join to read and send messages.
      </p>
      <button type="button" class="button" onClick={join} disabled={busy}>
        Join
      </button>
      <p class="form-error" role="alert">{error}</p>
    </section>
  );
}
