/**
 * Bot storage: a bot is an account (a user record carrying a `bot`
 * credential: its token's hash, never a password) plus a record of who made
 * it and where its outgoing webhook goes, written in one atomic.
 */
import { ApiError } from "../errors.ts";
import { botKey, botsPrefix, userKey, userNameKey } from "./_keys.ts";
import { getManyChunked, now, retryAtomic } from "./_kv.ts";
import { type KvRow, stageRows, stageUser } from "./rows.ts";
import {
  checkedNames,
  toPublicUser,
  type User,
  usernameTaken,
  type UserRecord,
} from "./users.ts";

/** A bot's outgoing webhook: where, signed with what, and which channels it hears in full. */
export interface OutgoingHook {
  url: string;
  /** HMAC-SHA256 key of the `X-Hearth-Signature` header; shown once when set. */
  secret: string;
  /** Channels whose every message is sent, besides mentions and DMs. */
  channelIds: string[];
}

/** What Hearth keeps of a bot beside its account. */
export interface BotRecord {
  id: string;
  createdAt: string;
  /** The admin who made it. */
  createdBy: string;
  webhook: OutgoingHook | null;
  /** Set once deleted: the account stays (its messages keep their author) but never acts again. */
  deletedAt?: string;
}

/** A bot: its account as the API shows users, and its record. */
export interface StoredBot {
  user: User;
  record: BotRecord;
}

/** Input of `createBot`. */
export interface NewBot {
  username: string;
  displayName?: string;
  createdBy: string;
  tokenHash: string;
}

/** Creates a bot account and its record (409 `username_taken`); it joins no channel. */
export async function createBot(
  kv: Deno.Kv,
  input: NewBot,
): Promise<StoredBot> {
  const { username, displayName } = checkedNames(input);
  const createdAt = now();
  const id = crypto.randomUUID();
  const user: UserRecord = {
    id,
    username,
    displayName,
    createdAt,
    // Matches no password: bcrypt hashes never look like this.
    passwordHash: "!bot",
    role: "member",
    bot: { tokenHash: input.tokenHash, generation: 1 },
  };
  const record: BotRecord = {
    id,
    createdAt,
    createdBy: input.createdBy,
    webhook: null,
  };
  return await retryAtomic(`bot "${username}"`, async () => {
    const taken = await kv.get(userNameKey(username.toLowerCase()));
    if (taken.value !== null) throw usernameTaken(username);
    const op = stageRows(stageUser(kv.atomic(), user), [botRow(record)]);
    return { op, value: { user: toPublicUser(user), record } };
  });
}

/** A bot's record, beside its account. */
export function botRow(record: BotRecord): KvRow {
  return { key: botKey(record.id), value: record };
}

/** The bot `botId` (deleted ones included), or null. */
export async function getBot(
  kv: Deno.Kv,
  botId: string,
): Promise<StoredBot | null> {
  if (!/^[0-9a-f-]{36}$/.test(botId)) return null;
  const [user, record] = await kv.getMany<[UserRecord, BotRecord]>([
    userKey(botId),
    botKey(botId),
  ]);
  if (user.value === null || record.value === null) return null;
  return { user: toPublicUser(user.value), record: record.value };
}

/** Every bot, oldest first by id order (deleted ones included). */
export async function listBots(kv: Deno.Kv): Promise<StoredBot[]> {
  const records: BotRecord[] = [];
  for await (const entry of kv.list<BotRecord>({ prefix: botsPrefix })) {
    records.push(entry.value);
  }
  const users = await getManyChunked<UserRecord>(
    kv,
    records.map((r) => userKey(r.id)),
  );
  return records.flatMap((record, i) => {
    const user = users[i].value;
    return user === null ? [] : [{ user: toPublicUser(user), record }];
  }).sort((a, b) => a.record.createdAt.localeCompare(b.record.createdAt));
}

/** The records of live bots that have an outgoing webhook. */
export async function listHookedBots(kv: Deno.Kv): Promise<BotRecord[]> {
  const out: BotRecord[] = [];
  for await (const entry of kv.list<BotRecord>({ prefix: botsPrefix })) {
    if (entry.value.webhook !== null && !entry.value.deletedAt) {
      out.push(entry.value);
    }
  }
  return out;
}

/**
 * Gives the bot a new token hash (null: none, for a deletion) and the next
 * generation; 404 `bot_not_found` for an unknown or deleted bot. Returns the
 * generation that stopped working.
 */
export async function replaceBotToken(
  kv: Deno.Kv,
  botId: string,
  tokenHash: string | null,
  change: (record: BotRecord) => BotRecord = (record) => record,
): Promise<{ bot: StoredBot; endedGeneration: number }> {
  return await retryAtomic("the bot", async () => {
    const [userEntry, recordEntry] = await kv.getMany<
      [UserRecord, BotRecord]
    >([userKey(botId), botKey(botId)]);
    const user = userEntry.value;
    const record = recordEntry.value;
    if (!user?.bot || record === null || record.deletedAt) {
      throw botNotFound(botId);
    }
    const next: UserRecord = {
      ...user,
      bot: { tokenHash, generation: user.bot.generation + 1 },
    };
    const nextRecord = change(record);
    const op = kv.atomic().check(userEntry).check(recordEntry)
      .set(userEntry.key, next).set(recordEntry.key, nextRecord);
    return {
      op,
      value: {
        bot: { user: toPublicUser(next), record: nextRecord },
        endedGeneration: user.bot.generation,
      },
    };
  });
}

/** Sets or clears the bot's outgoing webhook; 404 `bot_not_found` for an unknown or deleted bot. */
export async function setBotWebhook(
  kv: Deno.Kv,
  botId: string,
  webhook: (current: OutgoingHook | null) => OutgoingHook | null,
): Promise<StoredBot> {
  return await retryAtomic("the bot", async () => {
    const [userEntry, recordEntry] = await kv.getMany<
      [UserRecord, BotRecord]
    >([userKey(botId), botKey(botId)]);
    const record = recordEntry.value;
    if (userEntry.value === null || record === null || record.deletedAt) {
      throw botNotFound(botId);
    }
    const next = { ...record, webhook: webhook(record.webhook) };
    const op = kv.atomic().check(recordEntry).set(recordEntry.key, next);
    return { op, value: { user: toPublicUser(userEntry.value), record: next } };
  });
}

/** 404 `bot_not_found`, the id shortened. */
export function botNotFound(botId: string): ApiError {
  return new ApiError(
    404,
    "bot_not_found",
    `Bot "${botId.slice(0, 64)}" not found`,
  );
}
