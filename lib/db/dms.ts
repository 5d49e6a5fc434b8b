/**
 * Direct messages in KV: a DM is a private channel of kind "dm" whose members
 * are fixed when it is made. It is found again by its set of people (sorted
 * ids, in the record and in a unique index), so the same people always get
 * the same DM, however many ask at once.
 */
import { ApiError } from "../errors.ts";
import {
  type Channel,
  type ChannelRecord,
  toChannels,
} from "./_channel_store.ts";
import { channelKey, dmPeopleKey, memberCountKey } from "./_keys.ts";
import { now, retryAtomic } from "./_kv.ts";
import { channelRows, membershipRows, stageRows } from "./rows.ts";
import { getUserRecordByName } from "./users.ts";

/** Most people in a DM besides the one who opens it. */
export const MAX_DM_OTHERS = 9;

/** The index key of a set of people: their ids, sorted, joined by commas. */
export function peopleKey(ids: readonly string[]): string {
  return [...new Set(ids)].sort().join(",");
}

/**
 * Opens the DM of `creatorId` with `usernames` (1 to 9 others; the creator
 * among them is ignored): `created` is false when those people had one
 * already, which is answered as it is. 404 `user_not_found` names the first
 * unknown username; `judge` sees everyone's ids and throws to refuse.
 */
export async function openDm(
  kv: Deno.Kv,
  creatorId: string,
  usernames: readonly string[],
  judge: (ids: string[]) => Promise<void> = () => Promise.resolve(),
): Promise<{ channel: Channel; created: boolean }> {
  const ids = new Set<string>([creatorId]);
  for (const username of usernames) {
    const user = await getUserRecordByName(kv, username);
    if (user === null) {
      throw new ApiError(404, "user_not_found", `User "${username}" not found`);
    }
    ids.add(user.id);
  }
  if (ids.size < 2 || ids.size > MAX_DM_OTHERS + 1) {
    throw new ApiError(
      422,
      "validation_failed",
      `usernames: A direct message is with 1 to ${MAX_DM_OTHERS} other people`,
    );
  }
  await judge([...ids]);
  const people = peopleKey([...ids]);
  const indexKey = dmPeopleKey(people);
  const { record, created } = await retryAtomic<
    { record: ChannelRecord; created: boolean }
  >("the direct message", async () => {
    const existing = (await kv.get<string>(indexKey)).value;
    if (existing !== null) {
      const record = (await kv.get<ChannelRecord>(channelKey(existing))).value;
      if (record !== null) return { value: { record, created: false } };
    }
    const id = crypto.randomUUID();
    const createdAt = now();
    const record: ChannelRecord = {
      id,
      // Unique and never shown: pages name a DM by its people.
      name: `dm-${id}`,
      topic: "",
      private: true,
      ownerId: creatorId,
      createdAt,
      kind: "dm",
      peopleIds: people.split(","),
    };
    // A fresh channel id: its memberships need no checks, which keeps ten
    // people well inside KV's ten checks per atomic.
    // channelRows writes the people's index; the check keeps it unique.
    const op = kv.atomic().check({ key: indexKey, versionstamp: null });
    stageRows(op, channelRows(record));
    for (const userId of ids) {
      stageRows(op, membershipRows(id, userId, createdAt));
    }
    op.set(memberCountKey(id), new Deno.KvU64(BigInt(ids.size)));
    return { op, value: { record, created: true } };
  });
  const [channel] = await toChannels(kv, [record], creatorId, true);
  return { channel, created };
}
