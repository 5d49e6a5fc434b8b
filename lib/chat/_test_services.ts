/** Test helper: the real services on an in-memory KV, closed when the body ends. */
import { parseConfig } from "../config.ts";
import { createUser, type User } from "../db/users.ts";
import { closeServices, openServices, type Services } from "../services.ts";

/** Runs `body` with fresh services on `:memory:` KV, then closes them. */
export async function withServices(
  body: (services: Services) => Promise<void>,
): Promise<void> {
  const parsed = parseConfig(["--db", ":memory:"], () => undefined);
  if (parsed.kind !== "serve") throw new Error("bad test config");
  const services = await openServices({
    ...parsed.config,
    passwordCost: 4,
    offlineGraceMs: 0,
  });
  try {
    await body(services);
  } finally {
    await closeServices(services);
  }
}

/** Creates an account directly in the data layer (no password hashing). */
export function account(services: Services, username: string): Promise<User> {
  return createUser(services.kv, { username, passwordHash: "x" });
}
