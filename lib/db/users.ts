import { ApiError } from "../errors.ts";
import {
  displayNameSchema,
  statusSchema,
  usernameSchema,
} from "../shared/fields.ts";
import { validate } from "../validation.ts";
import {
  type ChannelRecord,
  GENERAL_CHANNEL_NAME,
  isChannelId,
  stageJoin,
  stageNewChannel,
} from "./_channel_store.ts";
import { channelKey, channelNameKey, userKey, userNameKey } from "./_keys.ts";
import { getManyChunked, now, retryAtomic } from "./_kv.ts";
import { readUsableInvite, stageInviteUse } from "./invites.ts";
import { stageUser } from "./rows.ts";
import { avatarPath } from "./_avatar_path.ts";
import { type Role, ROLES } from "../shared/roles.ts";

// The roles are a shared rule (the browser offers staff controls by them);
// only `roleOf` reads one from a stored record.
export { type Role, ROLES };

/** A user as the API shows it. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  createdAt: string;
  role: Role;
  /** A line under the name; empty when unset. */
  status: string;
  /** Where the avatar is served, or null without one. */
  avatarUrl: string | null;
  /** Present on bot accounts: they act through an API token, never a password. */
  bot?: true;
}

/** What makes an account a bot: its token's hash and generation (see `bot_token.ts`). */
export interface BotCredential {
  /** SHA-256 of the current token's secret; null once the bot is deleted. */
  tokenHash: string | null;
  /** Counts rotations; names the current token's sessions. */
  generation: number;
}

/** A user as stored; never send it to a client, use `toPublicUser`. */
export interface UserRecord
  extends Omit<User, "role" | "status" | "avatarUrl" | "bot"> {
  passwordHash: string;
  /** Absent on accounts stored before statuses existed. */
  status?: string;
  /** The avatar's version (a new one per upload, so its URL is cached for good) and type. */
  avatar?: { version: number; type: string };
  /** Set by `hearth reset-password`: the password is temporary. */
  mustChangePassword?: boolean;
  /** Absent on accounts stored before roles existed: they are members. */
  role?: Role;
  /** Set while the user is banned: every token of theirs is refused with the record it is read with. */
  ban?: { at: string; by: string; reason?: string };
  /** Set on bot accounts, which have no usable password. */
  bot?: BotCredential;
}

/** Input of `createUser`; the password must already be hashed. */
export interface NewUser {
  username: string;
  displayName?: string;
  passwordHash: string;
}

/** The role of a stored user: the one place a stored role is read. */
export function roleOf(record: UserRecord): Role {
  // Anything unknown (an older or damaged record) is the least standing.
  return (ROLES as readonly string[]).includes(record.role ?? "")
    ? record.role as Role
    : "member";
}

/** Strips the password hash (and anything else private) from a stored user. */
export function toPublicUser(record: UserRecord): User {
  // Picked field by field so a new private field can never leak by default.
  return {
    id: record.id,
    username: record.username,
    displayName: record.displayName,
    createdAt: record.createdAt,
    role: roleOf(record),
    status: record.status ?? "",
    avatarUrl: record.avatar === undefined
      ? null
      : avatarPath(record.id, record.avatar.version),
    ...(record.bot ? { bot: true as const } : {}),
  };
}

export { avatarPath };

/** Trims and checks a display name by the shared rule, throwing a 422 when it is unusable. */
export function normalizeDisplayName(displayName: string): string {
  return validate(displayName, displayNameSchema);
}

/** What may stop `createUser` before it checks the username. */
export interface Admission {
  /**
   * The refusal for anyone but the very first account (which always
   * registers): registration is closed, or needs an invite that was not given.
   */
  refuse?: ApiError;
  /**
   * An invite code: used once (404 `invite_not_found`, 410 `invite_expired`
   * first), and its channel joined, in the same atomic as the account.
   */
  invite?: string;
}

/**
 * Whether no account exists yet: the first account creates `general`, which
 * can be neither renamed nor deleted, so its name stands for "someone signed up".
 */
export async function isFirstAccount(kv: Deno.Kv): Promise<boolean> {
  return (await kv.get(channelNameKey(GENERAL_CHANNEL_NAME))).value === null;
}

/**
 * Creates an account, unique by username ignoring case (409 `username_taken`).
 * In the same atomic the user joins `general`, which the first account
 * creates; that account is the instance's `owner`, every later one a
 * `member`. The admission is judged before the username, so a refused
 * sign-up never tells whether a name is taken.
 */
export async function createUser(
  kv: Deno.Kv,
  input: NewUser,
  admission: Admission = {},
): Promise<User> {
  const { username, displayName } = checkedNames(input);
  const createdAt = now();
  const id = crypto.randomUUID();
  const nameKey = userNameKey(username.toLowerCase());
  return await retryAtomic(`user "${username}"`, async () => {
    const [nameEntry, generalEntry] = await kv.getMany<[string, string]>([
      nameKey,
      channelNameKey(GENERAL_CHANNEL_NAME),
    ]);
    let generalId = generalEntry.value;
    // Read inside the retry: of two racing first sign-ups only one is first,
    // and the other is judged like anyone after it.
    if (generalId !== null && admission.refuse) throw admission.refuse;
    // Judged before the name too; the very first account needs no invite.
    const invite = generalId !== null && admission.invite !== undefined
      ? await readUsableInvite(kv, admission.invite)
      : null;
    if (nameEntry.value !== null) throw usernameTaken(username);
    const record: UserRecord = {
      id,
      username,
      displayName,
      createdAt,
      passwordHash: input.passwordHash,
      role: generalId === null ? "owner" : "member",
    };
    const op = stageUser(kv.atomic(), record);
    if (generalId === null) {
      // First account: it owns `general`. If another first sign-up wins the
      // race for the name, this commit fails and the retry joins theirs.
      const general: ChannelRecord = {
        id: crypto.randomUUID(),
        name: GENERAL_CHANNEL_NAME,
        topic: "",
        private: false,
        ownerId: record.id,
        createdAt,
      };
      stageNewChannel(op, general);
      generalId = general.id;
    }
    stageJoin(op, generalId, record.id, createdAt);
    if (invite !== null) {
      // General is joined above already; joining it twice would count twice.
      const joinsGeneral = invite.entry.value.channelId === generalId;
      stageInviteUse(
        op,
        invite.entry,
        joinsGeneral ? null : { userId: record.id, joinedAt: createdAt },
      );
    }
    return { op, value: toPublicUser(record) };
  });
}

/** The stored user (with its password hash) by id, or null. */
export async function getUserRecord(
  kv: Deno.Kv,
  id: string,
): Promise<UserRecord | null> {
  // Ids are UUIDs: anything else cannot exist, and stays out of KV keys.
  if (!isChannelId(id)) return null;
  return (await kv.get<UserRecord>(userKey(id))).value;
}

/** The stored user (with its password hash) by username ignoring case, or null. */
export async function getUserRecordByName(
  kv: Deno.Kv,
  username: string,
): Promise<UserRecord | null> {
  // Anything that is not a valid username cannot exist, and skipping it keeps
  // arbitrary input out of KV keys (which are limited to 2 KiB).
  const parsed = usernameSchema.safeParse(username);
  if (!parsed.success) return null;
  const lowerName = parsed.data.toLowerCase();
  const id = (await kv.get<string>(userNameKey(lowerName))).value;
  return id === null ? null : await getUserRecord(kv, id);
}

/** The public user by id, or null. */
export async function getUser(kv: Deno.Kv, id: string): Promise<User | null> {
  const record = await getUserRecord(kv, id);
  return record === null ? null : toPublicUser(record);
}

/** The public user by username ignoring case, or null. */
export async function getUserByName(
  kv: Deno.Kv,
  username: string,
): Promise<User | null> {
  const record = await getUserRecordByName(kv, username);
  return record === null ? null : toPublicUser(record);
}

/**
 * Up to `limit` users whose username starts with `prefix` (ignoring case),
 * by username. Anything that could not begin a username finds nobody.
 */
export async function findUsersByPrefix(
  kv: Deno.Kv,
  prefix: string,
  limit: number,
): Promise<User[]> {
  const lower = prefix.trim().toLowerCase();
  if (lower === "" || lower.length > 32 || !/^[a-z0-9_.-]+$/.test(lower)) {
    return [];
  }
  const ids: string[] = [];
  const names = kv.list<string>({
    start: userNameKey(lower),
    end: userNameKey(`${lower}\uffff`),
  }, { limit });
  for await (const entry of names) ids.push(entry.value);
  const entries = await getManyChunked<UserRecord>(kv, ids.map(userKey));
  return entries.flatMap((e) =>
    e.value === null ? [] : [toPublicUser(e.value)]
  );
}

/** Changes a user's display name (trimmed, 1–64 chars); 404 for an unknown user. */
export async function updateDisplayName(
  kv: Deno.Kv,
  id: string,
  displayName: string,
): Promise<User> {
  const name = normalizeDisplayName(displayName);
  return await updateUserRecord(kv, id, (record) => ({
    ...record,
    displayName: name,
  }));
}

/** Changes a user's status line (trimmed, at most 80 chars; empty clears it). */
export async function updateStatus(
  kv: Deno.Kv,
  id: string,
  status: string,
): Promise<User> {
  const line = validate(status, statusSchema);
  return await updateUserRecord(kv, id, (record) => ({
    ...record,
    status: line,
  }));
}

/**
 * Rewrites a stored user with `change`; 404 for an unknown user. The record
 * is checked in the atomic, so a concurrent edit is never overwritten.
 */
export async function updateUserRecord(
  kv: Deno.Kv,
  id: string,
  change: (record: UserRecord) => UserRecord,
): Promise<User> {
  return await retryAtomic("the user", async () => {
    const entry = await kv.get<UserRecord>(userKey(id));
    if (entry.value === null) {
      throw new ApiError(404, "user_not_found", `User "${id}" not found`);
    }
    const record = change(entry.value);
    const op = kv.atomic().check(entry).set(entry.key, record);
    return { op, value: toPublicUser(record) };
  });
}

/**
 * Gives instances that predate roles their owner: the owner of `general`
 * (the first account) becomes the instance `owner` if nobody is one yet.
 * Run at start; a no-op once done, and on an empty database.
 */
export async function adoptInstanceOwner(kv: Deno.Kv): Promise<void> {
  const generalId = (await kv.get<string>(
    channelNameKey(GENERAL_CHANNEL_NAME),
  )).value;
  if (generalId === null) return;
  const general = (await kv.get<ChannelRecord>(channelKey(generalId))).value;
  if (general === null) return;
  await retryAtomic("the instance owner", async () => {
    const entry = await kv.get<UserRecord>(userKey(general.ownerId));
    if (entry.value === null || entry.value.role !== undefined) {
      return { value: undefined };
    }
    const record: UserRecord = { ...entry.value, role: "owner" };
    return {
      op: kv.atomic().check(entry).set(entry.key, record),
      value: undefined,
    };
  });
}

/**
 * A new account's username and display name by the API's rules (the display
 * name defaults to the username), so no caller can store what it would refuse.
 */
export function checkedNames(
  input: { username: string; displayName?: string },
): { username: string; displayName: string } {
  const username = validate(input.username, usernameSchema);
  const displayName = input.displayName?.trim()
    ? normalizeDisplayName(input.displayName)
    : username;
  return { username, displayName };
}

/** 409 `username_taken`. */
export function usernameTaken(username: string): ApiError {
  return new ApiError(
    409,
    "username_taken",
    `Username "${username}" is already taken`,
  );
}
