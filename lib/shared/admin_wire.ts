/**
 * What the moderation and admin endpoints answer (`GET /reports`, `GET
 * /audit`, `GET /settings`), shared by the server and the admin page.
 */

/** Who may sign up: anyone, people with an invite link, or nobody. */
export type RegistrationMode = "open" | "invite" | "closed";

/** The modes, in the order the admin page offers them. */
export const REGISTRATION_MODES: readonly RegistrationMode[] = [
  "open",
  "invite",
  "closed",
];

/** One open report as the queue shows it. */
export interface ReportView {
  id: string;
  createdAt: string;
  reason: string;
  reporter: { id: string; username: string | null };
  /** The channel (or DM) of the message; `name` is null once it is deleted. */
  channel: { id: string; name: string | null; kind: "channel" | "dm" };
  message: {
    seq: number;
    author: { id: string; username: string | null };
    /** What the message said when it was reported. */
    excerpt: string;
    /** Whether it has been deleted since. */
    deleted: boolean;
  };
}

/** One audit log entry as `GET /audit` shows it. */
export interface AuditView {
  id: string;
  at: string;
  actor: { id: string; username: string | null };
  action: string;
  target: string;
  reason?: string;
}

/** The instance's settings as `GET /settings` shows them. */
export interface SettingsView {
  /** The instance's name, shown in page titles and headers. */
  name: string;
  registration: RegistrationMode;
  /** Whether `--registration` / `HEARTH_REGISTRATION` fixed the mode (then it cannot change here). */
  registrationSetByOperator: boolean;
}
