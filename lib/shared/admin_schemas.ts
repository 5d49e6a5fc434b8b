/**
 * The schemas of what the moderation and admin endpoints answer (`GET
 * /reports`, `GET /settings`); `admin_wire.ts` infers its types from them
 * and the API document describes them. The audit entry is
 * `response_schemas.ts`'s.
 */
import { z } from "zod";
import { REGISTRATION_MODES } from "./admin_wire.ts";

const person = z.object({ id: z.string(), username: z.string().nullable() });

/** One open report as the queue shows it. */
export const reportViewSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  reason: z.string(),
  reporter: person,
  channel: z.object({
    id: z.string(),
    name: z.string().nullable().describe("Null once the channel is deleted"),
    kind: z.enum(["channel", "dm"]),
  }).describe("The channel (or DM) of the message"),
  message: z.object({
    seq: z.number().int(),
    author: person,
    excerpt: z.string().describe("What the message said when it was reported"),
    deleted: z.boolean().describe("Whether it has been deleted since"),
  }),
}).meta({ id: "Report", description: "One open report" });

/** The instance's settings as `GET /settings` shows them. */
export const settingsViewSchema = z.object({
  name: z.string().describe("The instance's name, shown in titles and headers"),
  registration: z.enum(REGISTRATION_MODES),
  registrationSetByOperator: z.boolean().describe(
    "Whether --registration / HEARTH_REGISTRATION fixed the mode (then it cannot change here)",
  ),
}).meta({ id: "InstanceSettings", description: "The instance's settings" });
