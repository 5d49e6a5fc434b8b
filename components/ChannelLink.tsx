import { channelTitle } from "../lib/client/channel_title.ts";
import type { ChannelView } from "../lib/client/types.ts";
import { Icon } from "./Icon.tsx";

/**
 * A channel in the sidebar: its name (a DM's people), a lock if private, how
 * many of its unread messages mention me, and its unread count.
 */
export function ChannelLink(
  { channel, current, meId }: {
    channel: ChannelView;
    current: boolean;
    meId: string;
  },
) {
  const unread = channel.unread;
  const mentions = channel.mentions ?? 0;
  return (
    <a
      href={`/c/${encodeURIComponent(channel.id)}`}
      class={unread > 0 ? "channel-link has-unread" : "channel-link"}
      aria-current={current ? "page" : undefined}
    >
      <Icon
        name={channel.kind === "dm"
          ? "users"
          : channel.private
          ? "lock"
          : "hash"}
        size={16}
      />
      <span class="channel-name">{channelTitle(channel, meId)}</span>
      {mentions > 0 && (
        <span class="badge badge-mention">
          {`@${mentions > 99 ? "99+" : mentions} `}
          <span class="sr-only">
            {mentions === 1 ? "mention" : "mentions"}
          </span>
        </span>
      )}
      {unread > 0 && (
        <span class="badge">
          {/* One text node: the server's HTML and the hydrated tree agree. */}
          {`${unread > 99 ? "99+" : unread} `}
          <span class="sr-only">unread</span>
        </span>
      )}
    </a>
  );
}
