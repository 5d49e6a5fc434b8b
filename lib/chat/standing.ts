/**
 * Capabilities: proof of a caller's standing in a channel. Use cases that act
 * in a channel take one of these instead of a user and a channel id, so none
 * can run without the check, and each rule of who may do what lives here once.
 * Instance roles (owner > admin > moderator > member) add theirs below.
 *
 * Each standing is a class whose constructor only the class itself may call
 * and which carries a private field: TypeScript then types it by name, so an
 * object literal cannot pass for one and only the checks below make one.
 */
import {
  channelNotFound,
  type ChannelRecord,
  isDm,
} from "../db/_channel_store.ts";
import { getMembership, getUserChannelRecords } from "../db/channels.ts";
import type { Role, User } from "../db/users.ts";
import {
  mayAssign,
  mayRemoveAsStaff,
  rankOf,
  roleOutranks,
} from "../shared/roles.ts";
import { ApiError } from "../errors.ts";
import type { Services } from "../services.ts";
import { refuseBlockedDm } from "./person.ts";
import { timeoutsOf } from "./_timeouts_cache.ts";

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
  #voice: Promise<void> = Promise.resolve();
  #historyStamp: { stamp: string | null; readAt: number } | undefined;

  /**
   * The channel's history stamp as read with the check itself (one KV read
   * for both; see `getHistoryStamp`); undefined for a standing made
   * otherwise, checked over a second ago (a socket's, long lived), whose
   * stamp may be stale, or taken from memory past a new message (a post's).
   */
  get historyStamp(): string | null | undefined {
    const known = this.#historyStamp;
    return known && performance.now() - known.readAt < STAMP_FRESH_MS
      ? known.stamp
      : undefined;
  }

  /**
   * Refuses a timed-out member (see {@linkcode refuseTimedOut}), and one
   * writing into a two-person DM across a block (see `refuseBlockedDm`).
   * Checks made through one standing settle in the order they were asked
   * for, so a socket's messages are still stored in the order they were
   * sent; `then`, a further check of the same post, settles in that order too.
   */
  refuseTimedOut(then?: () => Promise<void>): Promise<void> {
    const check = this.#voice.catch(() => {}).then(async () => {
      await refuseTimedOut(this.services, this.user);
      await refuseBlockedDm(this);
      await then?.();
    });
    this.#voice = check;
    return check;
  }

  /**
   * Whether this member is held to the channel's slow mode and post policy:
   * everyone but the channel's owner (who could lift either) and moderators
   * and above.
   */
  get heldToChannelRules(): boolean {
    return this.channel.ownerId !== this.user.id && !isModerator(this.user);
  }

  /** Whether this member may edit a message by `authorId`: only its author may. */
  mayEdit(authorId: string): boolean {
    return authorId === this.user.id;
  }

  /**
   * Whether this member may delete a message by `authorId`: its author, the
   * channel's owner, or a moderator and above. A DM has no owner in this
   * sense (whoever opened it is one of its people) and no moderators.
   */
  mayDelete(authorId: string): boolean {
    if (authorId === this.user.id) return true;
    if (isDm(this.channel)) return false;
    return this.channel.ownerId === this.user.id || isModerator(this.user);
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

  /** The user's standing in each channel they are in now (what a search may read). */
  static async everywhere(
    services: Services,
    user: User,
  ): Promise<ChannelMember[]> {
    const channels = await getUserChannelRecords(services.kv, user.id);
    return channels.map((channel) =>
      new ChannelMember(services, user, channel)
    );
  }

  /** The member; 404 `channel_not_found` for an unknown channel, 403 `not_member` otherwise. */
  static async check(
    services: Services,
    channelId: string,
    user: User,
  ): Promise<ChannelMember> {
    const { channel, joinedAt, historyStamp } = await existing(
      services,
      channelId,
      user,
    );
    if (joinedAt === null) {
      throw new ApiError(
        403,
        "not_member",
        `You are not a member of ${shownTo(channel, joinedAt)}`,
      );
    }
    const member = new ChannelMember(services, user, channel);
    if (historyStamp !== undefined) {
      member.#historyStamp = { stamp: historyStamp, readAt: performance.now() };
    }
    return member;
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
    refuseDm(channel, "joined");
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
    refuseDm(channel, "joined");
    return new ChannelOwner(services, user, channel);
  }
}

/** Whether `user` is a moderator or above: they delete any message and time people out. */
export function isModerator(user: User): boolean {
  return rankOf(user.role) >= rankOf("moderator");
}

/**
 * Whether `user` is an admin or above: they see and revoke every invite,
 * rename and delete any channel, ban, and change the instance's settings.
 */
export function isAdmin(user: User): boolean {
  return rankOf(user.role) >= rankOf("admin");
}

/**
 * Whether `actor` may act on `target` as staff (time out, ban, change role):
 * only on someone of a lower rank, so never on the owner or an equal.
 */
export function outranks(actor: User, target: User): boolean {
  return roleOutranks(actor.role, target.role);
}

/**
 * Whether `actor` may give `target` the role `role`: the owner gives admin,
 * moderator or member to anyone else; an admin gives moderator or member to
 * members and moderators. Nobody changes the owner's role this way.
 */
export function mayAssignRole(actor: User, target: User, role: Role): boolean {
  return mayAssign(actor.role, target.role, role);
}

/** Someone of at least a given instance role, checked; not bound to a channel. */
abstract class InstanceStanding {
  protected constructor(
    /** The instance's services, for the use case to act with. */
    readonly services: Services,
    /** Who is acting. */
    readonly user: User,
  ) {}
}

/** A moderator or above: they list people, time them out, and work the reports. */
export class Moderator extends InstanceStanding {
  readonly #moderator = true;

  /** The moderator; 403 `forbidden_role` for anyone below. */
  static check(services: Services, user: User): Moderator {
    if (!isModerator(user)) throw belowRole("moderators");
    return new Moderator(services, user);
  }
}

/** An admin or above: they ban, change roles and the instance's settings. */
export class Admin extends InstanceStanding {
  readonly #admin = true;

  /** The admin; 403 `forbidden_role` for anyone below. */
  static check(services: Services, user: User): Admin {
    if (!isAdmin(user)) throw belowRole("admins");
    return new Admin(services, user);
  }
}

/** The instance's owner: they hand the ownership on. */
export class InstanceOwner extends InstanceStanding {
  readonly #instanceOwner = true;

  /** The owner; 403 `forbidden_role` for anyone else. */
  static check(services: Services, user: User): InstanceOwner {
    if (user.role !== "owner") {
      throw new ApiError(
        403,
        "forbidden_role",
        "Only the owner can do this",
      );
    }
    return new InstanceOwner(services, user);
  }
}

/**
 * Refuses a timed-out `user` anything that writes: posting, editing,
 * reacting, uploading, opening DMs (403 `timed_out` with `until`). Reading
 * stays open. At most one read, made only by writes, kept a few seconds
 * (`_timeouts_cache.ts`).
 */
export async function refuseTimedOut(
  services: Services,
  user: User,
): Promise<void> {
  const until = await timeoutsOf(services).until(user.id);
  if (until === null) return;
  throw new ApiError(
    403,
    "timed_out",
    `You are timed out until ${until}: you can read but not write`,
    {},
    { until },
  );
}

function belowRole(who: string): ApiError {
  return new ApiError(
    403,
    "forbidden_role",
    `Only ${who} and above can do this`,
  );
}

/**
 * Who manages a channel: its owner, or an admin and above.
 * They rename it, set its topic, delete it and take people out of it.
 */
export class ChannelManager extends Standing {
  readonly #manager = true;

  /** The manager; 404 `channel_not_found` for an unknown channel, 403 `not_owner` for anyone else. */
  static async check(
    services: Services,
    channelId: string,
    user: User,
  ): Promise<ChannelManager> {
    const { channel, joinedAt } = await existing(services, channelId, user);
    if (channel.ownerId !== user.id && !isAdmin(user)) {
      throw new ApiError(
        403,
        "not_owner",
        `Only the owner of ${shownTo(channel, joinedAt)} can change it`,
      );
    }
    refuseDm(channel, "changed");
    return new ChannelManager(services, user, channel);
  }
}

/**
 * Who may take someone else out of a channel: its managers (its owner, an
 * admin and above), or a moderator and above taking out someone of a lower
 * rank who is not the channel's owner. Never out of a DM.
 */
export class ChannelRemover extends Standing {
  readonly #remover = true;

  /** The remover of `target`; 404 `channel_not_found` for an unknown channel, 403 `not_owner` for anyone else. */
  static async check(
    services: Services,
    channelId: string,
    user: User,
    target: User | null,
  ): Promise<ChannelRemover> {
    const { channel, joinedAt } = await existing(services, channelId, user);
    const manages = channel.ownerId === user.id || isAdmin(user);
    const moderates = target !== null && target.id !== channel.ownerId &&
      mayRemoveAsStaff(user.role, target.role);
    if (!manages && !moderates) {
      throw new ApiError(
        403,
        "not_owner",
        `Only the owner of ${
          shownTo(channel, joinedAt)
        } or a moderator can take people out of it`,
      );
    }
    refuseDm(channel, "changed");
    return new ChannelRemover(services, user, channel);
  }
}

/** A member who may invite people into a channel: any member, but never of a DM. */
export class ChannelInviter extends Standing {
  readonly #inviter = true;

  /** The inviter; 404/403 as {@linkcode ChannelMember.check}, 403 `direct_message` for a DM. */
  static async check(
    services: Services,
    channelId: string,
    user: User,
  ): Promise<ChannelInviter> {
    const member = await ChannelMember.check(services, channelId, user);
    refuseDm(member.channel, "joined");
    return new ChannelInviter(services, user, member.channel);
  }
}

/**
 * Someone who may leave a channel: anyone (leaving one you are not in
 * changes nothing), but nobody leaves a DM. 404 for an unknown channel.
 */
export class ChannelLeaver extends Standing {
  readonly #leaver = true;

  /** The leaver; 404 `channel_not_found`, 403 `direct_message` for a DM's member. */
  static async check(
    services: Services,
    channelId: string,
    user: User,
  ): Promise<ChannelLeaver> {
    const { channel, joinedAt } = await existing(services, channelId, user);
    if (joinedAt !== null) refuseDm(channel, "left");
    return new ChannelLeaver(services, user, channel);
  }
}

// A DM keeps the people it was started with: nobody joins, is added, is
// invited, leaves, renames or deletes it.
function refuseDm(channel: ChannelRecord, what: string): void {
  if (!isDm(channel)) return;
  throw new ApiError(
    403,
    "direct_message",
    `A direct message keeps the people it was started with: it cannot be ${what}`,
  );
}

/** The caller's standing as a member of `channelId`, or a 404/403 (see {@linkcode ChannelMember.check}). */
export function channelMember(
  services: Services,
  channelId: string,
  user: User,
): Promise<ChannelMember> {
  return ChannelMember.check(services, channelId, user);
}

// How long a history stamp read by a check stands for the channel's history.
const STAMP_FRESH_MS = 1000;

/** The caller's standing as someone who may join `channelId`, or a 404/403 (see {@linkcode ChannelJoiner.check}). */
export function channelJoiner(
  services: Services,
  channelId: string,
  user: User,
): Promise<ChannelJoiner> {
  return ChannelJoiner.check(services, channelId, user);
}

/** The caller's standing as a manager of `channelId`, or a 404/403 (see {@linkcode ChannelManager.check}). */
export function channelManager(
  services: Services,
  channelId: string,
  user: User,
): Promise<ChannelManager> {
  return ChannelManager.check(services, channelId, user);
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
  // Passing `user` takes a membership read along with this request's token
  // (one KV round trip for both), if there is one; the rules are the same.
  const { channel, joinedAt, historyStamp } = await getMembership(
    services.kv,
    channelId,
    user.id,
    user,
  );
  if (channel === null) throw channelNotFound(channelId);
  return { channel, joinedAt, historyStamp };
}
