import { useState } from "preact/hooks";
import { api, ApiFailure } from "../lib/client/api.ts";
import type { ChannelView } from "../lib/client/types.ts";
import { Icon } from "./Icon.tsx";

/** What the browse list shows: one page of channels and the way to the next. */
export interface BrowseViewProps {
  channels: ChannelView[];
  /** The `after` cursor of the next page; null on the last. */
  next: string | null;
  /** Whether this is a later page (then it links back to the first). */
  paged: boolean;
}

/** One page of the public channels (and the private ones you are in), with Join buttons. */
export function BrowseView({ channels, next, paged }: BrowseViewProps) {
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
        <span class="sr-only">Filter the channels on this page</span>
        <input
          type="search"
          placeholder="Filter this page"
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
      {(paged || next !== null) && (
        <nav class="browse-pages" aria-label="Pages of channels">
          {paged && <a href="/browse">First page</a>}
          {next !== null && (
            <a href={`/browse?after=${encodeURIComponent(next)}`} rel="next">
              Next page
            </a>
          )}
        </nav>
      )}
    </section>
  );
}
