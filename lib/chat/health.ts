/** The liveness check. */
import { pingDatabase } from "../db/health.ts";
import type { Services } from "../services.ts";

/** What /healthz tells besides `ok`: with serving workers, which one answered and its sockets. */
export interface HealthInfo {
  worker?: number;
  workers?: number;
  sockets?: number;
}

/** Resolves once the database answers a read; throws (a 500) when it cannot. */
export async function checkHealth(services: Services): Promise<HealthInfo> {
  await pingDatabase(services.kv);
  const { index, count } = services.place;
  if (count === 1) return {};
  return { worker: index, workers: count, sockets: services.sockets.size };
}
