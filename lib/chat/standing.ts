/**
 * Capabilities: proof of a caller's standing in a channel. Use cases that act
 * in a channel take one of these instead of a user and a channel id, so none
 * can run without the check, and each rule of who may do what lives here once.
 * Roles will add their standings here.
 *
 * Each standing is a class whose constructor only the class itself may call
 * and which carries a private field: TypeScript then types it by name, so an
 * object literal cannot pass for one and only the checks below make one.
 */
import { channelNotFound, type ChannelRecord } from "../db/_channel_store.ts";
import { getMembership } from "../db/channels.ts";
import type { User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import type { Services } from "../services.ts";

/** What every standing holds: who acts, in which channel, with what. */
abstract class Standing {
  protected constructor(
    /** The instance's services, for the use case to act with. */
    readonly services: Services,
    /** Who is acting. */
    readonly user: User,
    /** The channel as it stood when standing was checked. */
    readonly channel: ChannelRecord,
  ) {}

  /** The channel's id. */
  get channelId(): string {
    return this.channel.id;
  }
}

/**
 * A member of a channel: they may read it, post, upload, react, open its
 * socket, choose its notifications, edit their own messages and delete their
 * own (any, as its owner).
 */
export class ChannelMember extends Standing {
  readonly #member = true;

  /** Whether this member may edit a message by `authorId`: only its author may. */
  mayEdit(authorId: string): boolean {
    return authorId === this.user.id;
  }

  /**
   * Whether this member may delete a message by `authorId`: its author, or
   * the channel's owner (moderators will join them when roles exist).
   */
  mayDelete(authorId: string): boolean {
    return authorId === this.user.id || this.channel.ownerId === this.user.id;
  }

  /** The member, or null when the channel is unknown or the user is not in it. */
  static async find(
    services: Services,
    channelId: string,
    user: User,
  ): Promise<ChannelMember | null> {
    const { channel, joinedAt } = await getMembership(
      services.kv,
      channelId,
      user.id,
    );
    if (channel === null || joinedAt === null) return null;
    return new ChannelMember(services, user, channel);
  }

  /** The member; 404 `channel_not_found` for an unknown channel, 403 `not_member` otherwise. */
  static async check(
    services: Services,
    channelId: string,
    user: User,
  ): Promise<ChannelMember> {
    const { channel, joinedAt } = await existing(services, channelId, user);
    if (joinedAt === null) {
      throw new ApiError(
        403,
        "not_member",
        `You are not a member of ${shownTo(channel, joinedAt)}`,
      );
    }
    return new ChannelMember(services, user, channel);
  }
}

/** Someone who may join a channel: anyone, for a public one; only its members, for a private one. */
export class ChannelJoiner extends Standing {
  readonly #joiner = true;

  /** The joiner; 404 `channel_not_found` for an unknown channel, 403 `private_channel` for a private one. */
  static async check(
    services: Services,
    channelId: string,
    user: User,
  ): Promise<ChannelJoiner> {
    const { channel, joinedAt } = await existing(services, channelId, user);
    // A channel's privacy never changes, so this read cannot go stale.
    if (channel.private && joinedAt === null) {
      throw new ApiError(
        403,
        "private_channel",
        "This channel is private; ask its owner to add you",
      );
    }
    return new ChannelJoiner(services, user, channel);
  }
}

/** The owner of a channel: they add people to it. */
export class ChannelOwner extends Standing {
  readonly #owner = true;

  /** The owner; 404 `channel_not_found` for an unknown channel, 403 `not_owner` for anyone else. */
  static async check(
    services: Services,
    channelId: string,
    user: User,
  ): Promise<ChannelOwner> {
    const { channel, joinedAt } = await existing(services, channelId, user);
    if (channel.ownerId !== user.id) {
      throw new ApiError(
        403,
        "not_owner",
        `Only the owner of ${shownTo(channel, joinedAt)} can add members`,
      );
    }
    return new ChannelOwner(services, user, channel);
  }
}

/** The caller's standing as a member of `channelId`, or a 404/403 (see {@linkcode ChannelMember.check}). */
export function channelMember(
  services: Services,
  channelId: string,
  user: User,
): Promise<ChannelMember> {
  return ChannelMember.check(services, channelId, user);
}

/** The caller's standing as someone who may join `channelId`, or a 404/403 (see {@linkcode ChannelJoiner.check}). */
export function channelJoiner(
  services: Services,
  channelId: string,
  user: User,
): Promise<ChannelJoiner> {
  return ChannelJoiner.check(services, channelId, user);
}

/** The caller's standing as the owner of `channelId`, or a 404/403 (see {@linkcode ChannelOwner.check}). */
export function channelOwner(
  services: Services,
  channelId: string,
  user: User,
): Promise<ChannelOwner> {
  return ChannelOwner.check(services, channelId, user);
}

// How a refusal names the channel: a private one's name is for its members only.
function shownTo(channel: ChannelRecord, joinedAt: string | null): string {
  return channel.private && joinedAt === null
    ? "this channel"
    : `channel "${channel.name}"`;
}

// The channel and the user's membership of it; 404 when there is no channel.
async function existing(services: Services, channelId: string, user: User) {
  const { channel, joinedAt } = await getMembership(
    services.kv,
    channelId,
    user.id,
  );
  if (channel === null) throw channelNotFound(channelId);
  return { channel, joinedAt };
}
