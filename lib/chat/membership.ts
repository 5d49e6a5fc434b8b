/** Use cases of channel membership: join, leave, add people, list who is in. */
import type { Channel, ChannelRecord } from "../db/channels.ts";
import {
  addMember,
  joinChannel,
  leaveChannel,
  listMembers,
} from "../db/members.ts";
import type { User } from "../db/users.ts";
import { memberEvent } from "../realtime/hub.ts";
import type { Services } from "../services.ts";
import type { Member } from "../shared/wire.ts";
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

/** The channel's members with their presence, as `GET .../members` lists them. */
export async function listPeople(member: ChannelMember): Promise<MemberView[]> {
  const { services } = member;
  const members = await listMembers(services.kv, member.channelId);
  return members.map((person) => ({
    ...person,
    online: services.presence.isOnline(person.id),
  }));
}

/**
 * The members of a channel as `ready` frames list them (id, names, presence),
 * from a list at most seconds old. A thousand-member channel's frame is sent
 * to every socket that opens, so it carries nothing the client does not use.
 */
export async function rosterOf(member: ChannelMember): Promise<Member[]> {
  const { services } = member;
  const members = await services.roster.members(member.channelId);
  return members.map((person) => toMember(services, person));
}

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
