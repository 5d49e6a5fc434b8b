/** Use case of reading the audit log (admins and above); nothing here writes it. */
import { type AuditFilter, listAudit } from "../db/audit.ts";
import { getUserRecords } from "../db/roles.ts";
import type { AuditView } from "../shared/admin_wire.ts";
import type { Admin } from "./standing.ts";

export type { AuditView };

/**
 * Up to `limit` entries older than entry `before` (or the newest), newest
 * first, matching `filter` (action, actor, target), with their actors' names.
 */
export async function readAudit(
  admin: Admin,
  limit: number,
  before?: string,
  filter: AuditFilter = {},
): Promise<AuditView[]> {
  const { kv } = admin.services;
  const entries = await listAudit(kv, limit, before, filter);
  const actorIds = [...new Set(entries.map((e) => e.actorId))];
  const records = await getUserRecords(kv, actorIds);
  const names = new Map(records.map((r) => [r.id, r.username]));
  return entries.map(({ actorId, ...entry }) => ({
    id: entry.id,
    at: entry.at,
    actor: { id: actorId, username: names.get(actorId) ?? null },
    action: entry.action,
    target: entry.target,
    ...(entry.reason ? { reason: entry.reason } : {}),
  }));
}
