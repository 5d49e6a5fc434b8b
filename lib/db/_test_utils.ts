import { createChannel } from "./channels.ts";
import { createUser, type User } from "./users.ts";

/** Runs `fn` with a fresh in-memory KV that is closed afterwards. */
export async function withKv(
  fn: (kv: Deno.Kv) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

let counter = 0;

/** Creates a user with a unique name (or the given one) and a dummy hash. */
export function randomUser(kv: Deno.Kv, username?: string): Promise<User> {
  counter++;
  return createUser(kv, {
    username: username ?? `user${counter}_${crypto.randomUUID().slice(0, 8)}`,
    passwordHash: "$2b$10$not-a-real-hash",
  });
}

/** Creates a user and a channel of theirs named "chat". */
export async function userWithChannel(
  kv: Deno.Kv,
): Promise<{ user: User; channelId: string }> {
  const user = await randomUser(kv);
  const channel = await createChannel(kv, user.id, { name: "chat" });
  return { user, channelId: channel.id };
}

/** The seqs of a list of messages, in order. */
export const seqs = (messages: { seq: number }[]) => messages.map((m) => m.seq);
/** The whole numbers from `from` to `to`, both included. */
export const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The first part of each key of each `get` and `getMany` call (round trip) `body` makes through `kv`. */
export async function readsDuring(
  kv: Deno.Kv,
  body: () => Promise<void>,
): Promise<string[][]> {
  const getMany = kv.getMany.bind(kv);
  const get = kv.get.bind(kv);
  const reads: string[][] = [];
  kv.getMany = ((keys: Deno.KvKey[], options?: object) => {
    reads.push(keys.map((key) => String(key[0])));
    return getMany(keys, options);
  }) as typeof kv.getMany;
  kv.get = ((key: Deno.KvKey, options?: object) => {
    reads.push([String(key[0])]);
    return get(key, options);
  }) as typeof kv.get;
  try {
    await body();
  } finally {
    kv.getMany = getMany;
    kv.get = get;
  }
  return reads;
}

/** How many `get` and `getMany` calls (round trips) `body` makes through `kv`. */
export async function countReads(
  kv: Deno.Kv,
  body: () => Promise<void>,
): Promise<number> {
  return (await readsDuring(kv, body)).length;
}
