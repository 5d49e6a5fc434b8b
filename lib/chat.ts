import { type Channel, getChannel } from "./db/channels.ts";
import {
  addMember,
  joinChannel,
  leaveChannel,
  listMembers,
} from "./db/members.ts";
import { createMessage, type FileRef, type Message } from "./db/messages.ts";
import type { User } from "./db/users.ts";
import { ApiError } from "./errors.ts";
import type { Member } from "./realtime/frames.ts";
import { memberEvent, messageEvent } from "./realtime/hub.ts";
import type { Services } from "./services.ts";

/** A member as the API shows it: a user and whether they are online. */
export interface MemberView extends User {
  online: boolean;
}

/** What a message post stored, and whether it was new (false for a repeated clientId). */
export interface PostedMessage {
  message: Message;
  created: boolean;
}

/**
 * Stores a message and, only once it is committed, publishes it to the
 * channel's sockets. The HTTP route and the WebSocket both post here; callers
 * check membership first (so a non-member hears 403 before any 422).
 */
export async function postMessage(
  services: Services,
  user: User,
  channelId: string,
  input: { content: string; clientId?: string; file?: FileRef },
): Promise<PostedMessage> {
  const result = await createMessage(services.kv, {
    channelId,
    author: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
    },
    content: input.content,
    clientId: input.clientId,
    file: input.file,
  });
  if (result.created) {
    services.hub.publish(channelId, messageEvent(result.message));
  }
  return result;
}

/** A channel as `userId` sees it, or 404. */
export async function channelFor(
  services: Services,
  channelId: string,
  userId: string,
): Promise<Channel> {
  const channel = await getChannel(services.kv, channelId, userId);
  if (!channel) {
    throw new ApiError(
      404,
      "channel_not_found",
      `Channel "${channelId}" does not exist`,
    );
  }
  return channel;
}

/**
 * The members of a channel as `ready` frames list them (id, names, presence),
 * from a list at most seconds old. A thousand-member channel's frame is sent
 * to every socket that opens, so it carries nothing the client does not use.
 */
export async function rosterWithPresence(
  services: Services,
  channelId: string,
): Promise<Member[]> {
  const members = await services.roster.members(channelId);
  return members.map((member) => ({
    id: member.id,
    username: member.username,
    displayName: member.displayName,
    online: services.presence.isOnline(member.id),
  }));
}

/** The members of a channel with their presence. */
export async function membersWithPresence(
  services: Services,
  channelId: string,
): Promise<MemberView[]> {
  const members = await listMembers(services.kv, channelId);
  return members.map((member) => ({
    ...member,
    online: services.presence.isOnline(member.id),
  }));
}

/** Joins a channel and tells its sockets, so member lists update live. */
export async function joinAndAnnounce(
  services: Services,
  channelId: string,
  user: User,
): Promise<Channel> {
  const channel = await joinChannel(services.kv, channelId, user.id);
  announceMember(services, channelId, user, true);
  return channel;
}

/** Leaves a channel; the leaver's own sockets on it are closed by the event. */
export async function leaveAndAnnounce(
  services: Services,
  channelId: string,
  user: User,
): Promise<void> {
  await leaveChannel(services.kv, channelId, user.id);
  services.hub.publish(channelId, memberEvent(user.id, false));
}

/** The owner adds someone by username; the channel hears of it. */
export async function addAndAnnounce(
  services: Services,
  channelId: string,
  owner: User,
  username: string,
): Promise<User> {
  const added = await addMember(services.kv, channelId, owner.id, username);
  announceMember(services, channelId, added, true);
  return added;
}

function announceMember(
  services: Services,
  channelId: string,
  user: User,
  joined: boolean,
) {
  const member = {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    online: services.presence.isOnline(user.id),
  };
  services.hub.publish(channelId, memberEvent(user.id, joined, member));
  // The newcomer's sockets open elsewhere start hearing of this channel.
  if (joined) {
    services.hub.announce({ type: "joined", userId: user.id, channelId });
  }
}
