/**
 * Instance roles as stored: changing someone's role and handing the
 * ownership on, each audited in the same atomic, and listing people.
 */
import { ApiError } from "../errors.ts";
import { isChannelId } from "./_channel_store.ts";
import { userKey, userNameKey } from "./_keys.ts";
import { getManyChunked, retryAtomic } from "./_kv.ts";
import { stageAudit } from "./audit.ts";
import {
  type Role,
  roleOf,
  toPublicUser,
  type User,
  type UserRecord,
} from "./users.ts";

/**
 * Sets `targetId`'s role to `role`, audited as `actorId`'s `role_change`.
 * `judge` sees the target as stored inside the retry and throws to refuse,
 * so a rule about their current role never judges a stale one.
 */
export async function changeRole(
  kv: Deno.Kv,
  actorId: string,
  targetId: string,
  role: Exclude<Role, "owner">,
  judge: (target: User) => void,
): Promise<User> {
  if (!isChannelId(targetId)) throw userNotFound(targetId);
  return await retryAtomic("the role", async () => {
    const entry = await kv.get<UserRecord>(userKey(targetId));
    if (entry.value === null) throw userNotFound(targetId);
    judge(toPublicUser(entry.value));
    const record: UserRecord = { ...entry.value, role };
    const op = kv.atomic().check(entry).set(entry.key, record);
    stageAudit(op, {
      actorId,
      action: "role_change",
      target: targetId,
      reason: `${roleOf(entry.value)} -> ${role}`,
    });
    return { op, value: toPublicUser(record) };
  });
}

/**
 * Makes `targetId` the owner and `ownerId` an admin, in one atomic checked
 * against both records: there is exactly one owner before and after. 403
 * `forbidden_role` when `ownerId` is no longer the owner.
 */
export async function transferOwnership(
  kv: Deno.Kv,
  ownerId: string,
  targetId: string,
): Promise<User> {
  if (!isChannelId(targetId)) throw userNotFound(targetId);
  return await retryAtomic("the ownership", async () => {
    const [from, to] = await kv.getMany<[UserRecord, UserRecord]>([
      userKey(ownerId),
      userKey(targetId),
    ]);
    if (to.value === null) throw userNotFound(targetId);
    if (from.value === null || roleOf(from.value) !== "owner") {
      throw new ApiError(
        403,
        "forbidden_role",
        "Only the owner can hand the ownership on",
      );
    }
    const record: UserRecord = { ...to.value, role: "owner" };
    const op = kv.atomic().check(from, to)
      .set(from.key, { ...from.value, role: "admin" })
      .set(to.key, record);
    stageAudit(op, {
      actorId: ownerId,
      action: "ownership_transfer",
      target: targetId,
    });
    return { op, value: toPublicUser(record) };
  });
}

/** The stored users of `ids` that exist (for their names), in no promised order. */
export async function getUserRecords(
  kv: Deno.Kv,
  ids: string[],
): Promise<UserRecord[]> {
  const entries = await getManyChunked<UserRecord>(kv, ids.map(userKey));
  return entries.flatMap((e) => e.value === null ? [] : [e.value]);
}

/** Up to `limit` people by username, those starting with `prefix` (any, when empty). */
export async function listUsers(
  kv: Deno.Kv,
  prefix: string,
  limit: number,
): Promise<User[]> {
  const lower = prefix.trim().toLowerCase();
  const ids: string[] = [];
  const names = kv.list<string>({
    start: userNameKey(lower),
    end: userNameKey(`${lower}\uffff`),
  }, { limit });
  for await (const entry of names) ids.push(entry.value);
  return (await getUserRecords(kv, ids)).map(toPublicUser);
}

/** The 404 for a user id nobody has (a long one shown cut short). */
export function userNotFound(id: string): ApiError {
  const shown = isChannelId(id) ? id : `${id.slice(0, 16)}…`;
  return new ApiError(404, "user_not_found", `User "${shown}" not found`);
}
