import { ApiError } from "../errors.ts";
import { displayNameSchema, usernameSchema } from "../shared/fields.ts";
import { validate } from "../validation.ts";
import {
  type ChannelRecord,
  GENERAL_CHANNEL_NAME,
  stageJoin,
  stageNewChannel,
} from "./_channel_store.ts";
import { channelNameKey, userKey, userNameKey } from "./_keys.ts";
import { now, retryAtomic } from "./_kv.ts";
import { stageUser } from "./rows.ts";

/** A user as the API shows it. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  createdAt: string;
}

/** A user as stored; never send it to a client, use `toPublicUser`. */
export interface UserRecord extends User {
  passwordHash: string;
}

/** Input of `createUser`; the password must already be hashed. */
export interface NewUser {
  username: string;
  displayName?: string;
  passwordHash: string;
}

/** Strips the password hash (and anything else private) from a stored user. */
export function toPublicUser(record: UserRecord): User {
  // Picked field by field so a new private field can never leak by default.
  return {
    id: record.id,
    username: record.username,
    displayName: record.displayName,
    createdAt: record.createdAt,
  };
}

/** Trims and checks a display name by the shared rule, throwing a 422 when it is unusable. */
export function normalizeDisplayName(displayName: string): string {
  return validate(displayName, displayNameSchema);
}

/**
 * Creates an account, unique by username ignoring case (409 `username_taken`).
 * In the same atomic the user joins `general`, which the first account creates.
 */
export async function createUser(kv: Deno.Kv, input: NewUser): Promise<User> {
  // The same rules as the API's, so no caller can store what it would refuse.
  const username = validate(input.username, usernameSchema);
  const displayName = input.displayName?.trim()
    ? normalizeDisplayName(input.displayName)
    : username;
  const createdAt = now();
  const record: UserRecord = {
    id: crypto.randomUUID(),
    username,
    displayName,
    createdAt,
    passwordHash: input.passwordHash,
  };
  const nameKey = userNameKey(username.toLowerCase());
  return await retryAtomic(`user "${username}"`, async () => {
    const [nameEntry, generalEntry] = await kv.getMany<[string, string]>([
      nameKey,
      channelNameKey(GENERAL_CHANNEL_NAME),
    ]);
    if (nameEntry.value !== null) throw usernameTaken(username);
    const op = stageUser(kv.atomic(), record);
    let generalId = generalEntry.value;
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
    return { op, value: toPublicUser(record) };
  });
}

/** The stored user (with its password hash) by id, or null. */
export async function getUserRecord(
  kv: Deno.Kv,
  id: string,
): Promise<UserRecord | null> {
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

/** Changes a user's display name (trimmed, 1–64 chars); 404 for an unknown user. */
export async function updateDisplayName(
  kv: Deno.Kv,
  id: string,
  displayName: string,
): Promise<User> {
  const name = normalizeDisplayName(displayName);
  return await retryAtomic("the display name", async () => {
    const entry = await kv.get<UserRecord>(userKey(id));
    if (entry.value === null) {
      throw new ApiError(404, "user_not_found", `User "${id}" not found`);
    }
    const record = { ...entry.value, displayName: name };
    // check(entry) so a concurrent edit of the record is never overwritten.
    const op = kv.atomic().check(entry).set(entry.key, record);
    return { op, value: toPublicUser(record) };
  });
}

function usernameTaken(username: string): ApiError {
  return new ApiError(
    409,
    "username_taken",
    `Username "${username}" is already taken`,
  );
}
