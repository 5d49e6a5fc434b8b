/**
 * What asks for attention, from the channel list: the tab title's count
 * (mentions and direct messages), the drawer button's dot and count, and
 * whether a new message alerts. Pure, so it is tested without a browser.
 */
import {
  defaultLevel,
  type NotificationSetting,
  notifies,
} from "../shared/notifications.ts";
import type { ChannelView, Message } from "./types.ts";

/** A channel's notification setting as the page holds it. */
export function settingOfView(channel: ChannelView): NotificationSetting {
  return {
    notifications: channel.notifications ?? defaultLevel(channel),
    muted: channel.muted ?? false,
  };
}

/** What the title and the drawer button show for some channels. */
export interface Attention {
  /** Unread mentions of me plus unread direct messages: the title's count. */
  count: number;
  /** Unread mentions of me alone: the drawer button's count. */
  mentions: number;
  /** Whether anything unmuted is unread: the drawer button's dot. */
  unread: boolean;
}

/** Sums the attention of `channels`; muted ones count for nothing. */
export function attentionOf(channels: readonly ChannelView[]): Attention {
  let mentions = 0;
  let dms = 0;
  let unread = false;
  for (const channel of channels) {
    if (channel.muted || channel.unread === 0) continue;
    unread = true;
    mentions += channel.mentions ?? 0;
    if (channel.kind === "dm") dms += channel.unread;
  }
  return { count: mentions + dms, mentions, unread };
}

/** Whether `message` alerts `meId` in `channel`: never their own, else as the setting says. */
export function alerts(
  message: Message,
  channel: ChannelView,
  meId: string,
): boolean {
  if (message.author.id === meId || message.deleted) return false;
  return notifies(settingOfView(channel), message.mentions.includes(meId));
}

/** The permalink of a message: its channel's page, opened at it. */
export function messageUrl(channelId: string, seq: number): string {
  return `/c/${encodeURIComponent(channelId)}?m=${seq}`;
}
