/**
 * Reports of messages: open ones are stored with what the reported message
 * said when it was reported (so a moderator reads it without being in the
 * channel, a DM included), one open report per reporter and message, and a
 * report leaves the store when it is closed, with an audit entry saying so.
 */
import { openReportKey, reportKey, reportsPrefix } from "./_keys.ts";
import { now, retryAtomic } from "./_kv.ts";
import { type AuditRecord, stageAudit, timeOrderedId } from "./audit.ts";
import type { KvRow } from "./rows.ts";
import { ApiError } from "../errors.ts";

/** An open report as stored. */
export interface ReportRecord {
  /** Time-ordered, so the queue lists newest first by key. */
  id: string;
  createdAt: string;
  reporterId: string;
  reason: string;
  channelId: string;
  seq: number;
  /** The reported message's author and its text when reported. */
  authorId: string;
  excerpt: string;
}

/** What a reporter says; the id and time are made here. */
export type NewReport = Omit<ReportRecord, "id" | "createdAt">;

/** A report and its one-open-report-per-reporter row (the import writes the same). */
export function reportRows(report: ReportRecord): KvRow[] {
  return [
    { key: reportKey(report.id), value: report },
    {
      key: openReportKey(report.channelId, report.seq, report.reporterId),
      value: report.id,
    },
  ];
}

/** Stores a report; 409 `already_reported` while the reporter's earlier one on the message is open. */
export async function createReport(
  kv: Deno.Kv,
  report: NewReport,
): Promise<ReportRecord> {
  const record: ReportRecord = {
    id: timeOrderedId(),
    createdAt: now(),
    ...report,
  };
  const open = openReportKey(report.channelId, report.seq, report.reporterId);
  const op = kv.atomic().check({ key: open, versionstamp: null });
  for (const row of reportRows(record)) op.set(row.key, row.value);
  const result = await op.commit();
  if (!result.ok) {
    throw new ApiError(
      409,
      "already_reported",
      "You have reported this message already; a moderator will look at it",
    );
  }
  return record;
}

/** The open report `id`, or null. */
export async function getReport(
  kv: Deno.Kv,
  id: string,
): Promise<ReportRecord | null> {
  if (id.length > 64) return null;
  return (await kv.get<ReportRecord>(reportKey(id))).value;
}

/** Up to `limit` open reports older than report `before` (or the newest), newest first. */
export async function listReports(
  kv: Deno.Kv,
  limit: number,
  before?: string,
): Promise<ReportRecord[]> {
  const selector = before === undefined
    ? { prefix: reportsPrefix }
    : { prefix: reportsPrefix, end: reportKey(before) };
  const out: ReportRecord[] = [];
  for await (
    const entry of kv.list<ReportRecord>(selector, { limit, reverse: true })
  ) {
    out.push(entry.value);
  }
  return out;
}

/**
 * Closes the open report `id` as `actorId`, with an audit entry
 * `report_closed` on the message (`resolution` as its reason); 404
 * `report_not_found` when it is not open (closed already, or never was).
 */
export async function closeReport(
  kv: Deno.Kv,
  actorId: string,
  id: string,
  resolution?: string,
): Promise<AuditRecord> {
  return await retryAtomic("the report", async () => {
    const entry = await kv.get<ReportRecord>(reportKey(id));
    if (entry.value === null) throw reportNotFound(id);
    const { channelId, seq, reporterId } = entry.value;
    const op = kv.atomic().check(entry).delete(entry.key)
      .delete(openReportKey(channelId, seq, reporterId));
    const audit = stageAudit(op, {
      actorId,
      action: "report_closed",
      target: `${channelId}/${seq}`,
      ...(resolution ? { reason: resolution } : {}),
    });
    return { op, value: audit };
  });
}

/** The 404 for a report that is not open. */
export function reportNotFound(id: string): ApiError {
  return new ApiError(
    404,
    "report_not_found",
    `Report "${id.slice(0, 64)}" is not open`,
  );
}
