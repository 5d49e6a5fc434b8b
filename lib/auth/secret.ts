/** The key that signs access tokens: derived from a configured secret, or generated once and kept in KV. */

/** Fewest characters accepted in `--secret` / `HEARTH_SECRET`; shorter ones are guessable offline from any token. */
export const MIN_SECRET_LENGTH = 16;
/** Bytes in a generated signing key, the output size of HMAC-SHA-256. */
export const KEY_BYTES = 32;

const KEY: Deno.KvKey = ["config", "jwt_key"];
const MAX_ATTEMPTS = 10;

/** The token signing key: SHA-256 of `secret` when one is given, else the key stored in KV, generated on first use. */
export async function loadSigningKey(
  kv: Deno.Kv,
  secret?: string,
): Promise<Uint8Array> {
  // An empty value is how an unset environment variable usually arrives.
  if (secret !== undefined && secret !== "") return await deriveKey(secret);
  for (let attempt = 1;; attempt++) {
    try {
      const entry = await kv.get<Uint8Array>(KEY);
      if (entry.value !== null) return checkStored(entry.value);
      const key = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
      // Only the first of several instances starting together may write; the
      // others lose the check and read the winner's key on the next pass.
      const result = await kv.atomic().check(entry).set(KEY, key).commit();
      if (result.ok) return key;
    } catch (err) {
      // Two processes opening one SQLite file at once can briefly see it
      // locked; that passes, anything else is a real failure.
      if (!isLockedError(err) || attempt >= MAX_ATTEMPTS) throw err;
    }
    if (attempt >= MAX_ATTEMPTS) {
      throw new Error("Could not load or store the token signing key");
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.random() * 20 * attempt)
    );
  }
}

function isLockedError(err: unknown): boolean {
  return err instanceof Error && /database is locked/i.test(err.message);
}

async function deriveKey(secret: string): Promise<Uint8Array> {
  if ([...secret].length < MIN_SECRET_LENGTH) {
    throw new RangeError(
      `Secret must be at least ${MIN_SECRET_LENGTH} characters`,
    );
  }
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(secret),
  );
  return new Uint8Array(digest);
}

function checkStored(value: unknown): Uint8Array {
  // Replacing a damaged key would silently log everyone out; stop instead.
  if (!(value instanceof Uint8Array) || value.length < KEY_BYTES) {
    throw new Error(
      `Stored token signing key at ${JSON.stringify(KEY)} is invalid`,
    );
  }
  return value;
}
