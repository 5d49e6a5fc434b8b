/**
 * A user as an export writes them, with their avatar's parts. A new avatar is
 * written with the user's new version in one atomic, and the old version's
 * parts are deleted only after it: so parts read while the user still names
 * the same version are that version whole.
 */
import { avatarPrefix, userKey } from "./_keys.ts";
import type { BackupRecord, RecordOf } from "./format.ts";
import { readMany, scan } from "./_kv_read.ts";

type StoredUser = { id: string; avatar?: { version: number } };

// Replaced more often than this while one export reads it: the last read wins.
const ATTEMPTS = 4;

/** `stored` (a user as read), or a newer copy of it, and its avatar as backup records. */
export async function userWithAvatar(
  kv: Deno.Kv,
  stored: unknown,
): Promise<{ user: unknown; parts: RecordOf<"avatar_part">[] }> {
  let user = stored as StoredUser;
  for (let attempt = 1;; attempt++) {
    const version = user.avatar?.version;
    if (version === undefined) return { user, parts: [] };
    const parts: RecordOf<"avatar_part">[] = [];
    for await (
      const part of scan<Uint8Array>(kv, {
        prefix: avatarPrefix(user.id, version),
      })
    ) {
      parts.push(
        {
          type: "avatar_part",
          userId: user.id,
          version,
          n: parts.length,
          data: part.value.toBase64(),
        } satisfies BackupRecord,
      );
    }
    const [now] = await readMany(kv, [userKey(user.id)]);
    const current = now.value as StoredUser | null;
    if (
      current === null || current.avatar?.version === version ||
      attempt === ATTEMPTS
    ) {
      return { user, parts };
    }
    user = current;
  }
}
