/**
 * The KV rows each stored thing is made of: an entry with the indexes and
 * counters that must be written with it. The data layer stages them into its
 * atomics (with the checks that keep them unique), and an import writes the
 * same rows in bulk, so both agree on what "a user" or "a membership" is.
 */
import type { ChannelRecord } from "./_channel_store.ts";
import {
  channelKey,
  channelNameKey,
  channelSeqKey,
  creatorInviteKey,
  dmPeopleKey,
  inviteKey,
  memberCountKey,
  memberKey,
  mentionByTimeKey,
  mentionKey,
  messageChangeKey,
  messageClientIdKey,
  messageKey,
  messageReplyKey,
  readMarkerKey,
  userChannelKey,
  userKey,
  userNameKey,
} from "./_keys.ts";
import { type MessageRecord, revOf } from "./_message_record.ts";
import type { InviteRecord } from "./invites.ts";
import type { UserRecord } from "./users.ts";

/** One KV write: `value` under `key`, optionally expiring. */
export interface KvRow {
  key: Deno.KvKey;
  value: unknown;
  /** Milliseconds until KV may drop the row. */
  expireIn?: number;
}

/** Adds `rows` to `op` as sets. */
export function stageRows(
  op: Deno.AtomicOperation,
  rows: readonly KvRow[],
): Deno.AtomicOperation {
  for (const { key, value, expireIn } of rows) {
    op.set(key, value, expireIn === undefined ? undefined : { expireIn });
  }
  return op;
}

/** A user and its name index (the lower-cased username). */
export function userRows(user: UserRecord): KvRow[] {
  return [
    { key: userKey(user.id), value: user },
    { key: userNameKey(user.username.toLowerCase()), value: user.id },
  ];
}

/** Adds a new user to `op`, checked so the name is not taken (1 check, 2 sets). */
export function stageUser(
  op: Deno.AtomicOperation,
  user: UserRecord,
): Deno.AtomicOperation {
  const nameKey = userNameKey(user.username.toLowerCase());
  return stageRows(
    op.check({ key: nameKey, versionstamp: null }),
    userRows(user),
  );
}

/** A channel and its name index (the lower-cased name); a DM also its people's index. */
export function channelRows(channel: ChannelRecord): KvRow[] {
  const rows: KvRow[] = [
    { key: channelKey(channel.id), value: channel },
    { key: channelNameKey(channel.name), value: channel.id },
  ];
  if (channel.kind === "dm" && channel.peopleIds) {
    rows.push({
      key: dmPeopleKey(channel.peopleIds.join(",")),
      value: channel.id,
    });
  }
  return rows;
}

/**
 * A channel's counters set outright: its last message seq and rev, and its
 * member count. Live writes advance them instead; zeros are left unwritten.
 */
export function channelCounterRows(
  channelId: string,
  lastSeq: number,
  rev: number,
  members: number,
): KvRow[] {
  const rows: KvRow[] = [];
  if (lastSeq > 0 || rev > 0) {
    rows.push(seqCounterRow(channelId, lastSeq, rev));
  }
  if (members > 0) {
    rows.push({
      key: memberCountKey(channelId),
      value: new Deno.KvU64(BigInt(members)),
    });
  }
  return rows;
}

/** Both rows of a membership: per channel and mirrored per user. */
export function membershipRows(
  channelId: string,
  userId: string,
  joinedAt: string,
): KvRow[] {
  return [
    { key: memberKey(channelId, userId), value: joinedAt },
    { key: userChannelKey(userId, channelId), value: joinedAt },
  ];
}

/** A read marker set outright (live marks only move it forward, with `max`). */
export function readMarkerRow(
  userId: string,
  channelId: string,
  seq: number,
): KvRow {
  return {
    key: readMarkerKey(userId, channelId),
    value: new Deno.KvU64(BigInt(seq)),
  };
}

/** A stored message at its seq. */
export function messageRow(record: MessageRecord): KvRow {
  return { key: messageKey(record.channelId, record.seq), value: record };
}

/**
 * A stored message with the index rows derived from it: its change log row
 * at its rev, the reply row under the message it answers, and two rows per
 * user it mentions. The live writer stages the same rows change by change.
 */
export function messageRows(record: MessageRecord): KvRow[] {
  const { channelId, seq, createdAt } = record;
  const rows: KvRow[] = [
    messageRow(record),
    { key: messageChangeKey(channelId, revOf(record)), value: seq },
  ];
  if (record.replyTo !== undefined) {
    rows.push({
      key: messageReplyKey(channelId, record.replyTo.seq, seq),
      value: null,
    });
  }
  for (const userId of record.mentions ?? []) {
    rows.push(
      { key: mentionKey(userId, channelId, seq), value: createdAt },
      {
        key: mentionByTimeKey(userId, createdAt, channelId, seq),
        value: null,
      },
    );
  }
  return rows;
}

/** The clientId index entry pointing at the message `seq`. */
export function clientIdRow(
  channelId: string,
  authorId: string,
  clientId: string,
  seq: number,
): KvRow {
  return { key: messageClientIdKey(channelId, authorId, clientId), value: seq };
}

/** A channel's counter: `seq` of its newest message, `rev` of its latest change. */
export function seqCounterRow(
  channelId: string,
  seq: number,
  rev: number,
): KvRow {
  return { key: channelSeqKey(channelId), value: { seq, rev } };
}

/** An invite and its row in its creator's list. */
export function inviteRows(invite: InviteRecord): KvRow[] {
  return [
    { key: inviteKey(invite.code), value: invite },
    {
      key: creatorInviteKey(invite.createdBy, invite.code),
      value: invite.createdAt,
    },
  ];
}
