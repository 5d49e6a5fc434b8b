/**
 * Use cases of reports: any member reports a message they can read, with a
 * reason; moderators and above read the open reports (DMs' too: the report
 * carries the excerpt, which is all of a DM a moderator sees), and close
 * them, optionally deleting the message.
 */
import { getChannel } from "../db/channels.ts";
import { getMessage } from "../db/message_changes.ts";
import {
  closeReport,
  createReport,
  getReport,
  listReports,
  reportNotFound,
  type ReportRecord,
} from "../db/reports.ts";
import { getUserRecords } from "../db/roles.ts";
import { ApiError } from "../errors.ts";
import type { ReportView } from "../shared/admin_wire.ts";
import { eraseMessage } from "./message_changes.ts";
import type { ChannelMember, Moderator } from "./standing.ts";

/** How much of the message a report keeps, in code points. */
export const REPORT_EXCERPT_LENGTH = 500;

/**
 * Reports message `seq` with `reason`: 404 for an unknown message, 409
 * `message_deleted` for a deleted one, 403 `own_message` for one's own, 409
 * `already_reported` while one's earlier report on it is open.
 */
export async function reportMessage(
  member: ChannelMember,
  seq: number,
  reason: string,
): Promise<ReportView> {
  const { services, user, channel } = member;
  const message = await getMessage(services.kv, channel.id, seq);
  if (message === null) {
    throw new ApiError(404, "message_not_found", `Message ${seq} not found`);
  }
  if (message.deleted) {
    throw new ApiError(409, "message_deleted", "This message is deleted");
  }
  if (message.author.id === user.id) {
    throw new ApiError(
      403,
      "own_message",
      "You cannot report your own message",
    );
  }
  const excerpt = [...message.content].slice(0, REPORT_EXCERPT_LENGTH).join("");
  const report = await createReport(services.kv, {
    reporterId: user.id,
    reason,
    channelId: channel.id,
    seq,
    authorId: message.author.id,
    excerpt: excerpt || (message.file ? `[${message.file.name}]` : ""),
  });
  const [view] = await toViews(member, [report]);
  return view;
}

/** Up to `limit` open reports older than report `before` (or the newest), newest first. */
export async function reportQueue(
  moderator: Moderator,
  limit: number,
  before?: string,
): Promise<ReportView[]> {
  const reports = await listReports(moderator.services.kv, limit, before);
  return await toViews(moderator, reports);
}

/**
 * Closes the open report `id` (404 `report_not_found` otherwise), audited
 * with `resolution`; with `deleteMessage`, the reported message is deleted
 * first (any channel's, a DM's too: it was reported), audited as well.
 */
export async function settleReport(
  moderator: Moderator,
  id: string,
  options: { resolution?: string; deleteMessage?: boolean },
): Promise<void> {
  const { services, user } = moderator;
  const report = await getReport(services.kv, id);
  if (report === null) throw reportNotFound(id);
  if (options.deleteMessage) {
    const message = await getMessage(services.kv, report.channelId, report.seq);
    if (message !== null) {
      await eraseMessage(
        services,
        message,
        user.id,
        { reason: options.resolution || report.reason },
      );
    }
  }
  await closeReport(services.kv, user.id, id, options.resolution || undefined);
}

async function toViews(
  staff: { services: Moderator["services"] },
  reports: ReportRecord[],
): Promise<ReportView[]> {
  const { kv } = staff.services;
  const people = new Set(reports.flatMap((r) => [r.reporterId, r.authorId]));
  const records = await getUserRecords(kv, [...people]);
  const names = new Map(records.map((r) => [r.id, r.username]));
  const channels = new Map<
    string,
    { name: string; kind: "channel" | "dm" } | null
  >();
  for (const channelId of new Set(reports.map((r) => r.channelId))) {
    const channel = await getChannel(kv, channelId);
    channels.set(
      channelId,
      channel && { name: channel.name, kind: channel.kind },
    );
  }
  const views: ReportView[] = [];
  for (const report of reports) {
    const channel = channels.get(report.channelId) ?? null;
    const now = await getMessage(kv, report.channelId, report.seq);
    views.push({
      id: report.id,
      createdAt: report.createdAt,
      reason: report.reason,
      reporter: {
        id: report.reporterId,
        username: names.get(report.reporterId) ?? null,
      },
      channel: {
        id: report.channelId,
        name: channel?.name ?? null,
        kind: channel?.kind ?? "channel",
      },
      message: {
        seq: report.seq,
        author: {
          id: report.authorId,
          username: names.get(report.authorId) ?? null,
        },
        excerpt: report.excerpt,
        deleted: now === null || now.deleted === true,
      },
    });
  }
  return views;
}
