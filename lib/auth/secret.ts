/** The key that signs access tokens: derived from a configured secret, or generated once and kept in KV. */
import { signingKeyKey } from "../db/_keys.ts";
import { retryAtomic } from "../db/_kv.ts";
import { type KvRow, stageRows } from "../db/rows.ts";

/** Fewest characters accepted in `--secret` / `HEARTH_SECRET`; shorter ones are guessable offline from any token. */
export const MIN_SECRET_LENGTH = 16;
/** Bytes in a generated signing key, the output size of HMAC-SHA-256. */
export const KEY_BYTES = 32;

/** The token signing key: SHA-256 of `secret` when one is given, else the key stored in KV, generated on first use. */
export async function loadSigningKey(
  kv: Deno.Kv,
  secret?: string,
): Promise<Uint8Array> {
  // An empty value is how an unset environment variable usually arrives.
  if (secret !== undefined && secret !== "") return await deriveKey(secret);
  return await retryAtomic(
    "the token signing key",
    async () => {
      const entry = await kv.get<Uint8Array>(signingKeyKey);
      if (entry.value !== null) return { value: checkStored(entry.value) };
      const key = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
      // Only the first of several instances starting together may write; the
      // others lose the check and read the winner's key on the next pass.
      const op = stageRows(kv.atomic().check(entry), [signingKeyRow(key)]);
      return { op, value: key };
    },
    () => new Error("Could not load or store the token signing key"),
  );
}

/** The row a signing key is stored as (an import restores it through this). */
export function signingKeyRow(key: Uint8Array): KvRow {
  return { key: signingKeyKey, value: key };
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
      `Stored token signing key at ${JSON.stringify(signingKeyKey)} is invalid`,
    );
  }
  return value;
}
