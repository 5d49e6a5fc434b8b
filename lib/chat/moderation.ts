/**
 * Use cases of moderating people: timing them out, banning them, and lifting
 * either. Staff act only on people of a lower rank (see {@linkcode outranks}).
 */
import {
  liftTimeout,
  listTimeouts,
  timeOut,
  type TimeoutRecord,
} from "../db/timeouts.ts";
import { getUser, type User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import { type Admin, type Moderator, outranks } from "./standing.ts";
import { type BanRecord, banUser, listBans, unbanUser } from "../db/bans.ts";
import { deleteRecentMessages } from "./ban_cleanup.ts";

/**
 * Bans `targetId` (403 `forbidden_role` on an equal or higher rank): every
 * token of theirs is refused from the commit on, and their sockets close
 * with 1008 on every instance sharing the relay. With `deleteMessagesSeconds`
 * their messages of that window are deleted too (see `deleteRecentMessages`).
 */
export async function banPerson(
  admin: Admin,
  targetId: string,
  reason?: string,
  deleteMessagesSeconds = 0,
): Promise<BanRecord & { deletedMessages?: number }> {
  const { services, user } = admin;
  const ban = await banUser(
    services.kv,
    user.id,
    targetId,
    reason || undefined,
    (target) => {
      if (!outranks(user, target)) throw outranked();
    },
  );
  services.hub.announce({ type: "banned", userId: targetId });
  if (deleteMessagesSeconds === 0) return ban;
  const deletedMessages = await deleteRecentMessages(
    admin,
    targetId,
    deleteMessagesSeconds,
  );
  return { ...ban, deletedMessages };
}

/** Lifts `targetId`'s ban: they may sign in again (old tokens work again until they expire). */
export async function unbanPerson(
  admin: Admin,
  targetId: string,
): Promise<void> {
  await unbanUser(admin.services.kv, admin.user.id, targetId);
}

/** Every ban in force. */
export function bansInForce(admin: Admin): Promise<BanRecord[]> {
  return listBans(admin.services.kv);
}

/** Every timeout in force, by user id. */
export function timeoutsInForce(
  moderator: Moderator,
): Promise<(TimeoutRecord & { userId: string })[]> {
  return listTimeouts(moderator.services.kv);
}

/** Times `targetId` out for `seconds`; 403 `forbidden_role` on an equal or higher rank. */
export async function timeOutPerson(
  moderator: Moderator,
  targetId: string,
  seconds: number,
  reason?: string,
): Promise<TimeoutRecord & { userId: string }> {
  await lowerRanked(moderator, targetId);
  const record = await timeOut(
    moderator.services.kv,
    moderator.user.id,
    targetId,
    seconds,
    reason || undefined,
  );
  // Every instance checks the person's writes afresh (`_timeouts_cache.ts`).
  moderator.services.hub.announce({ type: "timeout", userId: targetId });
  return { userId: targetId, ...record };
}

/** Lifts `targetId`'s timeout; the same rank rule as setting one. */
export async function liftTimeoutOf(
  moderator: Moderator,
  targetId: string,
): Promise<void> {
  await lowerRanked(moderator, targetId);
  await liftTimeout(moderator.services.kv, moderator.user.id, targetId);
  moderator.services.hub.announce({ type: "timeout", userId: targetId });
}

/** The person `targetId` when the staff member outranks them; 404 or 403 otherwise. */
export async function lowerRanked(
  staff: { services: Moderator["services"]; user: User },
  targetId: string,
): Promise<User> {
  const target = await getUser(staff.services.kv, targetId);
  if (target === null) {
    const shown = targetId.slice(0, 64);
    throw new ApiError(404, "user_not_found", `User "${shown}" not found`);
  }
  if (!outranks(staff.user, target)) throw outranked();
  return target;
}

function outranked(): ApiError {
  return new ApiError(
    403,
    "forbidden_role",
    "You can only act on people of a lower role than yours",
  );
}
