/** The liveness check. */
import { pingDatabase } from "../db/health.ts";
import type { Services } from "../services.ts";

/** Resolves once the database answers a read; throws (a 500) when it cannot. */
export async function checkHealth(services: Services): Promise<void> {
  await pingDatabase(services.kv);
}
