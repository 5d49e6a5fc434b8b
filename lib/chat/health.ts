/** The liveness check. */
import { pingDatabase } from "../db/health.ts";
import { ApiError } from "../errors.ts";
import { LATE, within } from "../within.ts";
import type { Services } from "../services.ts";

/** What /healthz tells besides `ok`: with serving workers, which one answered and its sockets. */
export interface HealthInfo {
  worker?: number;
  workers?: number;
  sockets?: number;
}

/**
 * How long the database may take to answer. A KV Connect client retries an
 * unreachable server for ever, so without a deadline the check would hang
 * instead of failing.
 */
export const HEALTH_DEADLINE_MS = 5000;

/** Resolves once the database answers a read; 503 when it does not in time, 500 when it fails. */
export async function checkHealth(services: Services): Promise<HealthInfo> {
  if (await within(pingDatabase(services.kv), HEALTH_DEADLINE_MS) === LATE) {
    throw new ApiError(
      503,
      "database_unavailable",
      `The database did not answer within ${HEALTH_DEADLINE_MS} ms`,
    );
  }
  const { index, count } = services.place;
  if (count === 1) return {};
  return { worker: index, workers: count, sockets: services.sockets.size };
}
