/** Operations of reports, the timeouts list and the instance's settings: reports/, timeouts/index.ts, settings.tsx. */
import { z } from "zod";
import {
  reportViewSchema,
  settingsViewSchema,
} from "../../shared/admin_schemas.ts";
import {
  closeReportBody,
  reportBody,
  reportsQuery,
  settingsBody,
} from "../../shared/admin_requests.ts";
import { messagePath } from "../../shared/requests.ts";
import { timeoutSchema } from "../../shared/response_schemas.ts";
import { empty, json, type OperationRegistry } from "../operation.ts";

/** Reports, timeouts in force and the instance's settings, keyed by route file. */
export const adminOperations: OperationRegistry = {
  "reports/index.ts": {
    GET: {
      id: "listReports",
      summary: "Open reports, newest first (moderators and above)",
      description:
        "before is a report id: the page of reports older than it; limit caps the page.",
      auth: "user",
      query: reportsQuery,
      responses: { 200: json(z.array(reportViewSchema), "Open reports") },
      errors: { 403: ["forbidden_role"] },
    },
  },
  "reports/[id].ts": {
    DELETE: {
      id: "closeReport",
      summary: "Close a report, optionally deleting the reported message",
      description:
        "The body may be left out: the report closes with no note. resolution is written to the audit log; deleteMessage deletes the message first (audited too).",
      auth: "user",
      body: closeReportBody,
      optionalBody: true,
      responses: { 204: empty("Closed") },
      errors: { 403: ["forbidden_role"], 404: ["report_not_found"] },
    },
  },
  "channels/[id]/messages/[seq]/report.ts": {
    POST: {
      id: "reportMessage",
      summary: "Report a message to the moderators",
      auth: "user",
      path: messagePath,
      body: reportBody,
      responses: { 201: json(reportViewSchema, "The report, now open") },
      errors: {
        403: ["not_member", "own_message"],
        404: ["channel_not_found", "message_not_found"],
        409: ["message_deleted", "already_reported"],
      },
    },
  },
  "timeouts/index.ts": {
    GET: {
      id: "listTimeouts",
      summary: "Every timeout in force (moderators and above)",
      auth: "user",
      responses: { 200: json(z.array(timeoutSchema), "Timeouts") },
      errors: { 403: ["forbidden_role"] },
    },
  },
  "settings.tsx": {
    GET: {
      id: "getSettings",
      summary: "The instance's settings (admins and above)",
      description:
        "The same address is the account settings page: a request whose Accept asks for text/html gets the page (Vary: Accept), and a browser without a session is sent to /.",
      auth: "user",
      responses: {
        200: json(settingsViewSchema, "The settings", "text/html"),
        302: empty("A browser's navigation without a session: to /"),
      },
      errors: { 403: ["forbidden_role"] },
    },
    PATCH: {
      id: "changeSettings",
      summary:
        "Rename the instance or change who may sign up (admins and above)",
      auth: "user",
      body: settingsBody,
      responses: { 200: json(settingsViewSchema, "The settings now") },
      errors: { 403: ["forbidden_role"], 409: ["set_by_operator"] },
    },
  },
};
