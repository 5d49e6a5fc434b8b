/**
 * The bodies and queries of the reports and instance settings endpoints,
 * composed from the field schemas like `requests.ts`'s (unknown keys are
 * stripped).
 */
import { z } from "zod";
import { pageLimitSchema, reasonSchema } from "./fields.ts";
import { REGISTRATION_MODES } from "./admin_wire.ts";

const bodyError = { error: "Request body must be a JSON object" };

/** The longest instance name, in code points. */
export const MAX_INSTANCE_NAME_LENGTH = 64;

/** The body of `POST /channels/{id}/messages/{seq}/report`: why, 1 to 500 characters. */
export const reportBody = z.object({
  reason: reasonSchema.refine((s) => s.length > 0, "reason is required"),
}, bodyError);

/** The query of `GET /reports`: reports older than the report `before`, `limit` at a time. */
export const reportsQuery = z.object({
  before: z.string().max(64, "before is too long").optional(),
  limit: pageLimitSchema.optional(),
});

/** The body of `DELETE /reports/{id}` (may be absent): a note for the audit log, and whether to delete the message. */
export const closeReportBody = z.object({
  resolution: reasonSchema.optional(),
  deleteMessage: z.boolean({ error: "deleteMessage must be true or false" })
    .optional(),
}, bodyError);

/** The instance's name: trimmed, 1 to 64 characters, one line. */
export const instanceNameSchema = z.string({ error: "name must be a string" })
  .trim()
  .min(1, "name must not be empty")
  .refine(
    (s) => [...s].length <= MAX_INSTANCE_NAME_LENGTH,
    `name must be at most ${MAX_INSTANCE_NAME_LENGTH} characters`,
  )
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), "name must be one line of text");

/** The body of `PATCH /settings`: any of the name and the registration mode. */
export const settingsBody = z.object({
  name: instanceNameSchema.optional(),
  registration: z.enum(REGISTRATION_MODES, {
    error: "registration must be open, invite or closed",
  }).optional(),
}, bodyError).refine(
  (body) => body.name !== undefined || body.registration !== undefined,
  "Give name or registration",
);
