/** The data layer's own liveness probe. */
import { healthKey } from "./_keys.ts";

/** Reads one key, so a closed or broken store fails here rather than in a user's request. */
export async function pingDatabase(kv: Deno.Kv): Promise<void> {
  await kv.get(healthKey);
}
