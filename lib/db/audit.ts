/**
 * The audit log: one append-only entry per moderation or settings action.
 * Entries are staged into the same atomic as the action they record, so an
 * action never happens unrecorded (message deletions, written by the batched
 * message writer, are the one exception: see {@linkcode appendAudit}), and
 * nothing here edits or removes one. Each entry is indexed by its action,
 * actor and target, so the log filters without scanning it.
 */
import {
  type AuditFacet,
  auditFacetKey,
  auditFacetPrefix,
  auditKey,
  auditPrefix,
} from "./_keys.ts";
import { getManyChunked, now } from "./_kv.ts";
import type { KvRow } from "./rows.ts";

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

/** What `GET /audit` may filter on; every given field must match. */
export interface AuditFilter {
  action?: string;
  actorId?: string;
  targetId?: string;
}

let lastMs = 0;
let inMs = 0;

/**
 * A new time-ordered id: milliseconds, zero-padded, a counter within the
 * millisecond (so one process's ids keep their order), then random.
 */
export function timeOrderedId(): string {
  const ms = Math.max(Date.now(), lastMs);
  inMs = ms === lastMs ? inMs + 1 : 0;
  lastMs = ms;
  return ms.toString().padStart(15, "0") +
    inMs.toString(36).padStart(4, "0") +
    crypto.randomUUID().replaceAll("-", "").slice(0, 8);
}

/** An entry and its index rows (the import writes the same rows). */
export function auditRows(record: AuditRecord): KvRow[] {
  return [
    { key: auditKey(record.id), value: record },
    ...facetsOf(record).map(([facet, value]) => ({
      key: auditFacetKey(facet, value, record.id),
      value: null,
    })),
  ];
}

/** Adds `entry` to `op` as a new audit log entry and returns it. */
export function stageAudit(
  op: Deno.AtomicOperation,
  entry: AuditEntry,
): AuditRecord {
  const record: AuditRecord = { id: timeOrderedId(), at: now(), ...entry };
  for (const row of auditRows(record)) op.set(row.key, row.value);
  return record;
}

/**
 * Writes `entry` in an atomic of its own, for an action committed by a
 * writer that cannot take it into its own atomic (the message writer
 * batches many changes into one). A crash between the two loses the entry.
 */
export async function appendAudit(
  kv: Deno.Kv,
  entry: AuditEntry,
): Promise<AuditRecord> {
  const op = kv.atomic();
  const record = stageAudit(op, entry);
  const result = await op.commit();
  if (!result.ok) throw new Error("Could not store the audit entry");
  return record;
}

/**
 * Up to `limit` entries older than the entry `before` (or the newest),
 * newest first, matching `filter`. The most selective index is walked (a
 * person before an action) and the other fields are checked on each entry.
 */
export async function listAudit(
  kv: Deno.Kv,
  limit: number,
  before?: string,
  filter: AuditFilter = {},
): Promise<AuditRecord[]> {
  const facet: [AuditFacet, string] | null = filter.actorId !== undefined
    ? ["actor", filter.actorId]
    : filter.targetId !== undefined
    ? ["target", filter.targetId]
    : filter.action !== undefined
    ? ["action", filter.action]
    : null;
  if (facet === null) {
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
  const prefix = auditFacetPrefix(...facet);
  const selector = before === undefined
    ? { prefix }
    : { prefix, end: [...prefix, before] };
  const out: AuditRecord[] = [];
  let ids: string[] = [];
  const take = async () => {
    const entries = await getManyChunked<AuditRecord>(kv, ids.map(auditKey));
    ids = [];
    for (const { value } of entries) {
      if (value !== null && matches(value, filter) && out.length < limit) {
        out.push(value);
      }
    }
  };
  for await (
    const entry of kv.list(selector, { reverse: true, batchSize: 100 })
  ) {
    ids.push(entry.key[3] as string);
    if (ids.length === 50) await take();
    if (out.length >= limit) return out;
  }
  await take();
  return out;
}

function matches(record: AuditRecord, filter: AuditFilter): boolean {
  return (filter.action === undefined || record.action === filter.action) &&
    (filter.actorId === undefined || record.actorId === filter.actorId) &&
    (filter.targetId === undefined || record.target === filter.targetId ||
      record.target.startsWith(`${filter.targetId}/`));
}

// A target of `channelId/seq` is found by the channel too.
function facetsOf(record: AuditRecord): [AuditFacet, string][] {
  const facets: [AuditFacet, string][] = [
    ["action", record.action],
    ["actor", record.actorId],
    ["target", record.target],
  ];
  const slash = record.target.indexOf("/");
  if (slash > 0) facets.push(["target", record.target.slice(0, slash)]);
  return facets;
}
