/**
 * Avatars: a small drawn image per user, stored in KV in parts (a KV value
 * holds at most 64 KiB), under a version that changes with every upload so
 * its URL can be cached for good.
 */
import { avatarPartKey, avatarPrefix, userKey } from "./_keys.ts";
import { retryAtomic } from "./_kv.ts";
import { ApiError } from "../errors.ts";
import type { KvRow } from "./rows.ts";
import { toPublicUser, type User, type UserRecord } from "./users.ts";

/** The most bytes one stored part of an avatar holds. */
export const AVATAR_PART_BYTES = 60_000;

/** A stored avatar image. */
export interface AvatarImage {
  bytes: Uint8Array;
  type: string;
}

/** Stores `image` as the user's new avatar and drops the old one; the user as it is now. */
export async function saveAvatar(
  kv: Deno.Kv,
  userId: string,
  image: AvatarImage,
): Promise<User> {
  const { user, old } = await retryAtomic("the avatar", async () => {
    const entry = await kv.get<UserRecord>(userKey(userId));
    if (entry.value === null) throw userNotFound(userId);
    const old = entry.value.avatar?.version;
    const version = (old ?? 0) + 1;
    const record: UserRecord = {
      ...entry.value,
      avatar: { version, type: image.type },
    };
    const op = kv.atomic().check(entry).set(entry.key, record);
    for (let i = 0; i * AVATAR_PART_BYTES < image.bytes.length; i++) {
      const part = image.bytes.slice(
        i * AVATAR_PART_BYTES,
        (i + 1) * AVATAR_PART_BYTES,
      );
      op.set(avatarPartKey(userId, version, i), part);
    }
    return { op, value: { user: toPublicUser(record), old } };
  });
  if (old !== undefined) await dropParts(kv, userId, old);
  return user;
}

/** Removes the user's avatar (nothing happens without one); the user as it is now. */
export async function removeAvatar(kv: Deno.Kv, userId: string): Promise<User> {
  const { user, old } = await retryAtomic("the avatar", async () => {
    const entry = await kv.get<UserRecord>(userKey(userId));
    if (entry.value === null) throw userNotFound(userId);
    const { avatar, ...rest } = entry.value;
    const op = kv.atomic().check(entry).set(entry.key, rest);
    return { op, value: { user: toPublicUser(rest), old: avatar?.version } };
  });
  if (old !== undefined) await dropParts(kv, userId, old);
  return user;
}

/** The image of one avatar version, or null when it is not (or no longer) the user's. */
export async function readAvatar(
  kv: Deno.Kv,
  userId: string,
  version: number,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string } | null> {
  const record = (await kv.get<UserRecord>(userKey(userId))).value;
  if (record?.avatar?.version !== version) return null;
  const parts: Uint8Array[] = [];
  for await (
    const entry of kv.list<Uint8Array>({
      prefix: avatarPrefix(userId, version),
    })
  ) parts.push(entry.value);
  if (parts.length === 0) return null;
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, type: record.avatar.type };
}

/** The row of part `n` of an avatar version, as an import restores it. */
export function avatarPartRow(
  userId: string,
  version: number,
  n: number,
  bytes: Uint8Array,
): KvRow {
  return { key: avatarPartKey(userId, version, n), value: bytes };
}

async function dropParts(kv: Deno.Kv, userId: string, version: number) {
  for await (
    const entry of kv.list({ prefix: avatarPrefix(userId, version) })
  ) {
    await kv.delete(entry.key);
  }
}

function userNotFound(id: string): ApiError {
  return new ApiError(404, "user_not_found", `User "${id}" not found`);
}
