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
