/**
 * The audit log: one append-only entry per moderation or settings action.
 * Entries are staged into the same atomic as the action they record, so an
 * action never happens unrecorded, and nothing here edits or removes one.
 */
import { auditKey, auditPrefix } from "./_keys.ts";
import { now } from "./_kv.ts";

/** One action as stored. */
export interface AuditRecord {
  /** Time-ordered: entries list newest first by key. */
  id: string;
  at: string;
  actorId: string;
  /** What was done, e.g. `role_change` or `ownership_transfer`. */
  action: string;
  /** What it was done to: a user id, a channel id, `channelId/seq` ... */
  target: string;
  reason?: string;
}

/** What a caller says about an action; the id and time are made here. */
export type AuditEntry = Omit<AuditRecord, "id" | "at">;

/** Adds `entry` to `op` as a new audit log entry and returns it. */
export function stageAudit(
  op: Deno.AtomicOperation,
  entry: AuditEntry,
): AuditRecord {
  const ms = Date.now().toString().padStart(15, "0");
  const random = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  const record: AuditRecord = {
    id: `${ms}${random}`,
    at: now(),
    ...entry,
  };
  op.set(auditKey(record.id), record);
  return record;
}

/** Up to `limit` entries older than the entry `before` (or the newest), newest first. */
export async function listAudit(
  kv: Deno.Kv,
  limit: number,
  before?: string,
): Promise<AuditRecord[]> {
  const selector = before === undefined
    ? { prefix: auditPrefix }
    : { prefix: auditPrefix, end: auditKey(before) };
  const out: AuditRecord[] = [];
  for await (
    const entry of kv.list<AuditRecord>(selector, { limit, reverse: true })
  ) {
    out.push(entry.value);
  }
  return out;
}
