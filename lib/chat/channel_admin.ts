/**
 * Use cases of managing a channel: rename it or set its topic, delete it,
 * take someone out of it (or leave it), and find people to add. Each change
 * is published on the channel, so its open pages, and the sidebars of its
 * members' other pages, follow at once.
 */
import { toChannels } from "../db/_channel_store.ts";
import {
  type ChannelChange,
  deleteChannel,
  updateChannel,
} from "../db/channel_changes.ts";
import {
  type Channel,
  GENERAL_CHANNEL_NAME,
  isMember,
  leaveChannel,
} from "../db/channels.ts";
import { findUsersByPrefix, getUser, type User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import { deleteFile } from "../files/store.ts";
import { log } from "../log.ts";
import {
  channelDeletedEvent,
  channelUpdatedEvent,
  type HubEvent,
  memberEvent,
} from "../realtime/hub.ts";
import type { Services } from "../services.ts";
import { leave } from "./membership.ts";
import {
  ChannelLeaver,
  type ChannelManager,
  type ChannelOwner,
  ChannelRemover,
} from "./standing.ts";

/** The event that tells a channel's pages (and rule caches) its new state. */
export function channelChangedEvent(
  record: Awaited<ReturnType<typeof updateChannel>>,
): HubEvent {
  return channelUpdatedEvent({
    id: record.id,
    name: record.name,
    topic: record.topic,
    private: record.private,
    slowModeSeconds: record.slowModeSeconds ?? 0,
    postPolicy: record.postPolicy ?? "everyone",
  });
}

/** How many people a search for someone to add suggests. */
export const CANDIDATE_LIMIT = 10;

/**
 * Renames a channel, sets its topic, slow mode or post policy (the last two
 * audited); `general` keeps its name (409 `channel_protected`).
 */
export async function changeChannel(
  manager: ChannelManager,
  change: ChannelChange,
): Promise<Channel> {
  const { services, channel, user } = manager;
  if (
    channel.name === GENERAL_CHANNEL_NAME && change.name !== undefined &&
    change.name.trim() !== channel.name
  ) {
    throw protectedGeneral("renamed");
  }
  const record = await updateChannel(services.kv, channel.id, change, {
    actorId: user.id,
    action: "channel_change",
    target: channel.id,
    reason: describeChange(channel.name, change),
  });
  services.hub.publish(channel.id, channelChangedEvent(record));
  const [view] = await toChannels(services.kv, [record], user.id);
  return view;
}

/**
 * Deletes a channel with its messages and files; `general` cannot be deleted
 * (409 `channel_protected`). Its sockets close with 1008 on every instance.
 */
export async function removeChannel(manager: ChannelManager): Promise<void> {
  const { services, channel, user } = manager;
  if (channel.name === GENERAL_CHANNEL_NAME) throw protectedGeneral("deleted");
  const { fileIds } = await deleteChannel(services.kv, channel.id, {
    actorId: user.id,
    action: "channel_delete",
    target: channel.id,
    reason: `deleted "${channel.name}"`,
  });
  services.hub.publish(channel.id, channelDeletedEvent(channel.id));
  // KV's own index rows went with the channel; FTS5's are dropped here.
  await services.search.dropChannel(channel.id).catch((error) =>
    log("warn", "search rows of a deleted channel not dropped", {
      channelId: channel.id,
      error: String(error),
    })
  );
  for (const fileId of fileIds) {
    try {
      await deleteFile(services.kv, fileId);
    } catch (error) {
      // The channel is gone either way; a file left behind is only space.
      log("warn", "file of a deleted channel not deleted", {
        fileId,
        error: String(error),
      });
    }
  }
}

/**
 * Takes `userId` out of a channel: oneself (leaving), or, for the channel's
 * manager, anyone, and for a moderator, someone of a lower rank (removing;
 * see `ChannelRemover`). Their sockets on it close with 1008 and their
 * other pages drop it. Someone not in the channel changes nothing.
 */
export async function removeFromChannel(
  services: Services,
  user: User,
  channelId: string,
  userId: string,
): Promise<void> {
  if (userId === user.id) {
    return await leave(await ChannelLeaver.check(services, channelId, user));
  }
  const target = await getUser(services.kv, userId);
  const { channel } = await ChannelRemover.check(
    services,
    channelId,
    user,
    target,
  );
  if (!await isMember(services.kv, channelId, userId)) return;
  await leaveChannel(services.kv, channelId, userId, {
    actorId: user.id,
    action: "member_removed",
    target: userId,
    reason: `removed from "${channel.name}"`,
  });
  services.hub.publish(channelId, memberEvent(userId, false, undefined, true));
}

/**
 * People the channel's owner might add: users whose username starts with
 * `query`, not in the channel yet, at most {@linkcode CANDIDATE_LIMIT}.
 * Usernames are no secret here: everyone shares `general`'s member list.
 */
export async function findCandidates(
  owner: ChannelOwner,
  query: string,
): Promise<User[]> {
  const { services, channelId } = owner;
  const found = await findUsersByPrefix(services.kv, query, 50);
  const out: User[] = [];
  for (const person of found) {
    if (out.length >= CANDIDATE_LIMIT) break;
    if (!await isMember(services.kv, channelId, person.id)) out.push(person);
  }
  return out;
}

// What a channel change did, in the audit log's words.
function describeChange(name: string, change: ChannelChange): string {
  const parts: string[] = [];
  if (change.name !== undefined && change.name.trim() !== name) {
    parts.push(`renamed "${name}" to "${change.name.trim()}"`);
  }
  if (change.topic !== undefined) parts.push(`set the topic of "${name}"`);
  return parts.join("; ") || `changed "${name}"`;
}

function protectedGeneral(what: string): ApiError {
  return new ApiError(
    409,
    "channel_protected",
    `Channel "${GENERAL_CHANNEL_NAME}" cannot be ${what}: everyone joins it`,
  );
}
