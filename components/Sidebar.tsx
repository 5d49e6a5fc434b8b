import type { ChannelView, Me } from "../lib/client/types.ts";
import { ChannelLink } from "./ChannelLink.tsx";
import { Icon } from "./Icon.tsx";
import { PersonAvatar } from "./PersonTrigger.tsx";

/** The channel navigation: a drawer on small screens, a column on wide ones. */
export function Sidebar(
  {
    channels,
    currentId,
    browsing,
    me,
    friendRequests = 0,
    onNewChannel,
    onClose,
  }: {
    channels: ChannelView[];
    currentId: string | null;
    browsing: boolean;
    me: Me;
    /** Friend requests waiting for my answer, shown beside Friends. */
    friendRequests?: number;
    onNewChannel(): void;
    onClose(): void;
  },
) {
  return (
    <nav id="sidebar" class="sidebar" aria-label="Channels">
      <div class="sidebar-head">
        <a href="/" class="sidebar-brand">
          <img src="/icon.svg" alt="" width="28" height="28" />
          <span>Hearth</span>
        </a>
        <button
          type="button"
          class="icon-button drawer-close"
          onClick={onClose}
          aria-label="Close channels"
        >
          <Icon name="x" />
        </button>
      </div>
      <ChannelSection
        title="Channels"
        channels={channels.filter((c) => c.kind !== "dm")}
        currentId={currentId}
        meId={me.id}
      />
      <ChannelSection
        title="Direct messages"
        channels={channels.filter((c) => c.kind === "dm")}
        currentId={currentId}
        meId={me.id}
      />
      <div class="sidebar-actions">
        <button
          type="button"
          class="sidebar-action"
          onClick={onNewChannel}
          aria-haspopup="dialog"
        >
          <Icon name="plus" size={18} /> New channel
        </button>
        <a
          href="/browse"
          class="sidebar-action"
          aria-current={browsing ? "page" : undefined}
        >
          <Icon name="compass" size={18} /> Browse channels
        </a>
        <a href="/friends" class="sidebar-action">
          <Icon name="users" size={18} /> Friends
          {friendRequests > 0 && (
            <span class="badge">
              {`${friendRequests > 99 ? "99+" : friendRequests} `}
              <span class="sr-only">
                {friendRequests === 1 ? "friend request" : "friend requests"}
              </span>
            </span>
          )}
        </a>
      </div>
      <p class="sidebar-foot muted">
        Signed in as <strong>{me.username}</strong>
      </p>
    </nav>
  );
}

function ChannelSection(
  { title, channels, currentId, meId }: {
    title: string;
    channels: ChannelView[];
    currentId: string | null;
    meId: string;
  },
) {
  if (channels.length === 0 && title !== "Channels") return null;
  return (
    <div class="sidebar-section">
      <h2 class="sidebar-title">{title}</h2>
      <ul class="channel-list">
        {channels.map((channel) => {
          const partner = dmPartner(channel, meId);
          return (
            <li key={channel.id} class={partner ? "dm-entry" : undefined}>
              {partner && (
                <PersonAvatar
                  person={partner}
                  size="sm"
                  label={`Profile of ${partner.displayName}`}
                />
              )}
              <ChannelLink
                channel={channel}
                current={channel.id === currentId}
                meId={meId}
              />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

// A one-to-one DM shows the other person's avatar, which opens their card.
function dmPartner(channel: ChannelView, meId: string) {
  if (channel.kind !== "dm") return null;
  const others = (channel.people ?? []).filter((p) => p.id !== meId);
  return others.length === 1 ? others[0] : null;
}
