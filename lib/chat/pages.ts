/** Use cases of the chat pages: what they render on the server, so first paint has content. */
import {
  type Channel,
  GENERAL_CHANNEL_NAME,
  getChannel,
  listChannelPage,
  listUserChannels,
} from "../db/channels.ts";
import { timedOutUntil } from "../db/timeouts.ts";
import type { User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import type { Services } from "../services.ts";
import type { ChatInit } from "../client/store.ts";
import type { ChannelView, Me } from "../client/types.ts";
import { peopleOfPage } from "./friends_page.ts";
import { readyMembers } from "./membership.ts";
import { readHistory } from "./messages.ts";
import { ChannelMember } from "./standing.ts";

/** Messages rendered with the page; older ones load as the reader scrolls up. */
export const FIRST_PAGE = 50;

/**
 * The data of the channel page `/c/{id}`: 404 if unknown, 403 if private and
 * not a member. With `focusSeq` (a permalink, `?m=`), the history around that
 * message when it is older than the newest page; the socket brings the rest.
 */
export async function loadChannelPage(
  services: Services,
  user: User,
  channelId: string,
  focusSeq = 0,
): Promise<ChatInit> {
  const { kv } = services;
  const channel = await getChannel(kv, channelId, user.id);
  if (!channel) {
    throw new ApiError(
      404,
      "channel_not_found",
      "This channel does not exist, or it was removed",
    );
  }
  if (channel.private && !channel.joined) {
    throw new ApiError(
      403,
      "private_channel",
      `This channel is private; ask its owner to add you`,
    );
  }
  // Someone browsing a public channel they have not joined sees its header
  // and a join prompt; only a member's page carries messages and people.
  const member = channel.joined
    ? await ChannelMember.find(services, channelId, user)
    : null;
  let [channels, messages, members, people, timedOut] = await Promise.all([
    listUserChannels(kv, user.id),
    member ? readHistory(member, { limit: FIRST_PAGE }) : [],
    member ? readyMembers(member) : null,
    peopleOfPage(services, user),
    timedOutUntil(kv, user.id),
  ]);
  const around = member !== null && focusSeq > 0 &&
    focusSeq < (messages[0]?.seq ?? 0);
  if (around) {
    messages = await readHistory(member, {
      after: Math.max(0, focusSeq - FIRST_PAGE / 2 - 1),
      limit: FIRST_PAGE,
    });
  }
  return {
    me: { ...toMe(user), timedOutUntil: timedOut },
    channels: channels.map(toChannelView),
    channel: toChannelView(channel),
    messages,
    members: members?.members ?? [],
    memberCount: members?.memberCount ?? 0,
    onlineCount: members?.onlineCount ?? 0,
    focusSeq: member !== null && focusSeq > 0 ? focusSeq : 0,
    firstUnreadSeq: channel.unread > 0
      ? channel.lastSeq - channel.unread + 1
      : 0,
    maxUploadBytes: services.config.maxUploadBytes,
    ...people,
  };
}

/** Channels on one page of `/browse`: a server with thousands stays a small page. */
export const BROWSE_PAGE_SIZE = 100;

/** What `/browse` shows: a page of channels and where the next page starts. */
export interface BrowsePage {
  browse: ChannelView[];
  /** The `after` of the next page; null on the last. */
  browseNext: string | null;
  /** The `after` this page was asked for, if any (not the first page). */
  browseAfter: string | null;
}

/**
 * The data of `/browse`: the user's channels, plus one page (in name order,
 * after the lower-cased name `after`) of every channel they may join.
 */
export async function loadBrowsePage(
  services: Services,
  user: User,
  after?: string,
): Promise<ChatInit & BrowsePage> {
  const [channels, page, people] = await Promise.all([
    listUserChannels(services.kv, user.id),
    listChannelPage(services.kv, user.id, { after, limit: BROWSE_PAGE_SIZE }),
    peopleOfPage(services, user),
  ]);
  return {
    me: toMe(user),
    channels: channels.map(toChannelView),
    channel: null,
    messages: [],
    members: [],
    firstUnreadSeq: 0,
    maxUploadBytes: services.config.maxUploadBytes,
    browse: page.channels.map(toChannelView),
    browseNext: page.next,
    browseAfter: after ?? null,
    ...people,
  };
}

/**
 * Where `/` sends a signed-in user: the channel they last had open if they are
 * still in it, else general, else their first channel, else the browse list.
 */
export async function landingPath(
  services: Services,
  user: User,
  lastChannel: string | null,
): Promise<string> {
  // Channel ids are UUIDs; anything else in the cookie is ignored unread.
  const plausible = lastChannel !== null &&
    /^[A-Za-z0-9-]{1,64}$/.test(lastChannel);
  if (plausible && await ChannelMember.find(services, lastChannel, user)) {
    return `/c/${encodeURIComponent(lastChannel)}`;
  }
  const channels = await listUserChannels(services.kv, user.id);
  const target = channels.find((c) => c.name === GENERAL_CHANNEL_NAME) ??
    channels[0];
  return target ? `/c/${encodeURIComponent(target.id)}` : "/browse";
}

function toMe(user: User): Me {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    avatarUrl: user.avatarUrl,
  };
}

// Only what the browser uses goes into the page.
function toChannelView(channel: Channel): ChannelView {
  return {
    id: channel.id,
    name: channel.name,
    topic: channel.topic,
    private: channel.private,
    ownerId: channel.ownerId,
    kind: channel.kind,
    ...(channel.people ? { people: channel.people } : {}),
    memberCount: channel.memberCount,
    lastSeq: channel.lastSeq,
    rev: channel.rev,
    unread: channel.unread,
    mentions: channel.mentions,
    joined: channel.joined,
    notifications: channel.notifications,
    muted: channel.muted,
    slowModeSeconds: channel.slowModeSeconds,
    postPolicy: channel.postPolicy,
  };
}
