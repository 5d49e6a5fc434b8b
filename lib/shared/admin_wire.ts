/**
 * What the moderation and admin endpoints answer (`GET /reports`, `GET
 * /audit`, `GET /settings`), shared by the server and the admin page: types
 * inferred from `admin_schemas.ts` and `response_schemas.ts` (type imports
 * only, so zod stays out of the admin page's bundle).
 */
import type { z } from "zod";
import type { reportViewSchema, settingsViewSchema } from "./admin_schemas.ts";
import type { auditEntrySchema } from "./response_schemas.ts";

/** The modes (who may sign up: anyone, people with an invite link, or nobody), in the order the admin page offers them. */
export const REGISTRATION_MODES = ["open", "invite", "closed"] as const;

/** Who may sign up: anyone, people with an invite link, or nobody. */
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** One open report as the queue shows it. */
export type ReportView = z.infer<typeof reportViewSchema>;

/** One audit log entry as `GET /audit` shows it. */
export type AuditView = z.infer<typeof auditEntrySchema>;

/** The instance's settings as `GET /settings` shows them. */
export type SettingsView = z.infer<typeof settingsViewSchema>;
