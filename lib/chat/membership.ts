/** Use cases of channel membership: join, leave, add people, list who is in. */
import type { Channel, ChannelRecord } from "../db/channels.ts";
import { addMember, joinChannel, leaveChannel } from "../db/members.ts";
import type { User } from "../db/users.ts";
import { memberEvent } from "../realtime/hub.ts";
import type { Services } from "../services.ts";
import { ReadyFaces } from "./_ready_faces.ts";
import { formatMemberCursor } from "../shared/requests.ts";
import type { Member, ReadyMembers } from "../shared/wire.ts";
import type {
  ChannelJoiner,
  ChannelLeaver,
  ChannelMember,
  ChannelOwner,
} from "./standing.ts";

/** A member as the API shows it: a user and whether they are online. */
export interface MemberView extends User {
  online: boolean;
}

/** Joins a channel and tells its sockets, so member lists update live; twice is a no-op. */
export async function join(joiner: ChannelJoiner): Promise<Channel> {
  const { services, user } = joiner;
  const channelId = joiner.channel.id;
  const channel = await joinChannel(services.kv, channelId, user.id);
  announceJoin(services, joiner.channel, user);
  return channel;
}

/** Leaves a channel; the leaver's own sockets on it are closed by the event. */
export async function leave(leaver: ChannelLeaver): Promise<void> {
  const { services, user, channelId } = leaver;
  await leaveChannel(services.kv, channelId, user.id);
  services.hub.publish(channelId, memberEvent(user.id, false));
}

/** The owner adds someone by username; the channel hears of it. */
export async function addPerson(
  owner: ChannelOwner,
  username: string,
): Promise<User> {
  const { services, channel } = owner;
  const added = await addMember(services.kv, channel.id, username);
  announceJoin(services, channel, added);
  return added;
}

/** A page of a channel's members, as `GET .../members` gives it. */
export interface MemberPage {
  members: MemberView[];
  /** Where the next page starts; null on the last. */
  nextCursor: string | null;
  memberCount: number;
  onlineCount: number;
}

/** Which members a page lists: after a username, how many, only on- or offline, by name prefix. */
export interface MemberPageQuery {
  after?: string;
  limit: number;
  /** Only those online (true) or offline (false); everyone when absent. */
  online?: boolean;
  q?: string;
}

/**
 * A page of the channel's members by username, with their presence; `q`
 * matches the start of a username or display name, ignoring case.
 */
export async function pageMembers(
  member: ChannelMember,
  { after, limit, online, q }: MemberPageQuery,
): Promise<MemberPage> {
  const view = await member.services.roster.view(member.channelId);
  const all = view.members;
  let i = after === undefined ? 0 : firstAfter(all, after);
  const prefix = q?.toLowerCase() ?? "";
  const members: MemberView[] = [];
  for (; i < all.length && members.length < limit; i++) {
    const person = all[i];
    const isOnline = view.online.has(person.id);
    if (online !== undefined && online !== isOnline) continue;
    if (
      prefix && !person.username.toLowerCase().startsWith(prefix) &&
      !person.displayName.toLowerCase().startsWith(prefix)
    ) continue;
    members.push({ ...person, online: isOnline });
  }
  return {
    members,
    nextCursor: i < all.length && members.length > 0
      ? formatMemberCursor(members.at(-1)!.username)
      : null,
    memberCount: all.length,
    onlineCount: view.online.size,
  };
}

// The index of the first member whose username sorts after `username`.
function firstAfter(members: User[], username: string): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (members[mid].username <= username) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What a `ready` frame tells of the channel's members: the counts and the
 * first online members by username, from a list at most seconds old. Every
 * socket that opens gets it, so its cost follows what it sends, not the
 * channel's size.
 */
export async function readyMembers(
  member: ChannelMember,
): Promise<ReadyMembers> {
  const { services } = member;
  const view = await services.roster.view(member.channelId);
  let faces = readyFaces.get(services);
  if (faces === undefined) {
    faces = new ReadyFaces(services.presence, (user) => memberFace(user, true));
    readyFaces.set(services, faces);
  }
  return {
    memberCount: view.members.length,
    onlineCount: view.online.size,
    members: faces.faces(member.channelId, view),
  };
}

// Each instance's ready lists, kept while they stay the same (see _ready_faces.ts).
const readyFaces = new WeakMap<Services, ReadyFaces>();

function toMember(services: Services, user: User): Member {
  return memberFace(user, services.presence.isOnline(user.id));
}

/**
 * What lists and frames show of a member: names, presence, and the avatar,
 * role and status only when they differ from the default (see `Member`).
 */
export function memberFace(
  user: Pick<
    User,
    "id" | "username" | "displayName" | "role" | "status" | "avatarUrl" | "bot"
  >,
  online: boolean,
): Member {
  const member: Member = {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    online,
  };
  if (user.bot) member.bot = true;
  if (user.avatarUrl) member.avatarUrl = user.avatarUrl;
  if (user.role !== "member") member.role = user.role;
  if (user.status) member.status = user.status;
  return member;
}

/** Tells a channel's sockets that `user` joined, and the user's other open pages that they are in it. */
export function announceJoin(
  services: Services,
  channel: ChannelRecord,
  user: User,
): void {
  services.hub.publish(
    channel.id,
    memberEvent(user.id, true, toMember(services, user)),
  );
  // The newcomer's pages open elsewhere start hearing of this channel, and
  // put it in their sidebars.
  services.hub.announce({
    type: "joined",
    userId: user.id,
    channelId: channel.id,
    channel: {
      id: channel.id,
      name: channel.name,
      topic: channel.topic,
      private: channel.private,
    },
  });
}
