/** The schemas of the moderation records of a backup: audit entries, timeouts, open reports, settings. */
import { z } from "zod";
import { id, seq, time } from "./_fields.ts";

/** A stored audit log entry. */
export const auditRecordSchema = z.looseObject({
  id: z.string().min(1).max(64),
  at: time,
  actorId: id,
  action: z.string().min(1).max(64),
  target: z.string().min(1).max(400),
  reason: z.string().max(2000).optional(),
});

/** A stored timeout. */
export const timeoutRecordSchema = z.looseObject({
  until: time,
  by: id,
  reason: z.string().max(2000).optional(),
});

/** A stored open report. */
export const reportRecordSchema = z.looseObject({
  id: z.string().min(1).max(64),
  createdAt: time,
  reporterId: id,
  reason: z.string().max(2000),
  channelId: id,
  seq,
  authorId: id,
  excerpt: z.string().max(8000),
});

/** The instance's stored settings. */
export const settingsRecordSchema = z.looseObject({
  name: z.string().min(1).max(256).optional(),
  registration: z.enum(["open", "invite", "closed"]).optional(),
});
