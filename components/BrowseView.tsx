import { useState } from "preact/hooks";
import { api, ApiFailure } from "../lib/client/api.ts";
import type { ChannelView } from "../lib/client/types.ts";
import { Icon } from "./Icon.tsx";

/** Every public channel (and the private ones you are in), with Join buttons. */
export function BrowseView({ channels }: { channels: ChannelView[] }) {
  const [filter, setFilter] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState("");
  const needle = filter.trim().toLowerCase();
  const shown = channels.filter((c) =>
    !needle || c.name.toLowerCase().includes(needle) ||
    c.topic.toLowerCase().includes(needle)
  );

  async function join(channel: ChannelView): Promise<void> {
    setBusy(channel.id);
    setError("");
    try {
      await api(`/channels/${encodeURIComponent(channel.id)}/join`, {
        method: "POST",
      });
      location.assign(`/c/${encodeURIComponent(channel.id)}`);
    } catch (failure) {
      setError(
        failure instanceof ApiFailure
          ? failure.message
          : `Joining #${channel.name} failed.`,
      );
      setBusy(null);
    }
  }

  return (
    <section class="browse" aria-label="All channels">
      <p class="muted">
        Public channels anyone can join, and the private ones you are in.
      </p>
      <label class="field browse-filter">
        <span class="sr-only">Filter channels</span>
        <input
          type="search"
          placeholder="Filter channels"
          value={filter}
          onInput={(e) =>
            setFilter((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <p class="form-error" role="alert">{error}</p>
      {shown.length === 0
        ? <p class="muted">No channels match.</p>
        : (
          <ul class="browse-list">
            {shown.map((channel) => (
              <li key={channel.id} class="browse-item">
                <span class="browse-icon">
                  <Icon name={channel.private ? "lock" : "hash"} size={18} />
                </span>
                <div class="browse-main">
                  <a
                    href={`/c/${encodeURIComponent(channel.id)}`}
                    class="browse-name"
                  >
                    {channel.name}
                  </a>
                  {channel.topic && <p class="browse-topic">{channel.topic}</p>}
                  <p class="muted small">
                    {channel.memberCount === 1
                      ? "1 member"
                      : `${channel.memberCount} members`}
                    {channel.joined ? " · Joined" : ""}
                  </p>
                </div>
                {channel.joined
                  ? (
                    <a
                      class="button secondary small"
                      href={`/c/${encodeURIComponent(channel.id)}`}
                    >
                      Open
                    </a>
                  )
                  : (
                    <button
                      type="button"
                      class="button small"
                      disabled={busy !== null}
                      onClick={() => join(channel)}
                    >
                      Join
                    </button>
                  )}
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
