/** Operations of accounts, roles and moderation: auth/, me/, users/, timeouts/, bans/, audit. */
import { z } from "zod";
import {
  auditQuery,
  banBody,
  loginBody,
  passwordChangeBody,
  profileBody,
  registerBody,
  roleBody,
  timeoutBody,
  usersQuery,
} from "../../shared/requests.ts";
import {
  auditEntrySchema,
  banResultSchema,
  banSchema,
  signInSchema,
  timeoutSchema,
  userSchema,
} from "../../shared/response_schemas.ts";
import { empty, json, media, type OperationRegistry } from "../operation.ts";

const AVATAR = {
  file: {
    description: "The image: PNG, JPEG, GIF or WebP, up to 8 MiB",
    binary: true,
    required: true,
  },
};

/** Accounts, roles and moderation, keyed by route file. */
export const accountOperations: OperationRegistry = {
  "auth/register.ts": {
    POST: {
      id: "register",
      summary: "Create an account",
      description:
        "Who may register is set by --registration: invite (default), open or closed. The first account always registers and becomes the owner.",
      auth: "public",
      body: registerBody,
      rateLimited: true,
      responses: { 201: json(userSchema, "The new user") },
      errors: {
        403: ["invite_required", "registration_closed", "cross_site"],
        404: ["invite_not_found"],
        409: ["username_taken"],
        410: ["invite_expired"],
        503: ["busy"],
      },
    },
  },
  "auth/login.ts": {
    POST: {
      id: "login",
      summary: "Sign in",
      description:
        "JSON or a form (username, password, optional grant_type=password). Sets the session cookie as well.",
      auth: "public",
      body: loginBody,
      form: true,
      rateLimited: true,
      responses: { 200: json(signInSchema, "A bearer token and its user") },
      errors: {
        400: ["unsupported_grant_type"],
        401: ["invalid_credentials"],
        403: ["banned", "bot_account", "cross_site"],
        503: ["busy"],
      },
    },
  },
  "auth/logout.ts": {
    POST: {
      id: "logout",
      summary: "Sign out: this token stops working and its sockets close",
      auth: "user",
      responses: { 204: empty("Signed out; Hearth's cookies are cleared") },
    },
  },
  "me.ts": {
    GET: {
      id: "getMe",
      summary: "Who I am",
      auth: "user",
      responses: { 200: json(userSchema, "The signed-in user") },
    },
    PATCH: {
      id: "updateMe",
      summary: "Change my display name and/or status",
      auth: "user",
      body: profileBody,
      responses: { 200: json(userSchema, "The user as changed") },
    },
  },
  "me/password.ts": {
    POST: {
      id: "changePassword",
      summary: "Change my password; every other session ends",
      auth: "user",
      body: passwordChangeBody,
      responses: { 204: empty("Changed") },
      errors: { 403: ["wrong_password", "bot_account"], 503: ["busy"] },
    },
  },
  "me/sessions.ts": {
    DELETE: {
      id: "endOtherSessions",
      summary: "Sign out everywhere else",
      auth: "user",
      responses: { 204: empty("Every other session ended") },
    },
  },
  "me/avatar.ts": {
    PUT: {
      id: "setAvatar",
      summary: "Upload my avatar (the centred square, at most 256 px)",
      auth: "user",
      multipart: AVATAR,
      responses: { 200: json(userSchema, "The user with the new avatarUrl") },
      errors: {
        400: ["malformed_multipart", "upload_interrupted"],
        413: ["file_too_large", "payload_too_large"],
        415: ["unsupported_media_type"],
        422: ["not_an_image", "image_unreadable", "file_required"],
      },
    },
    DELETE: {
      id: "clearAvatar",
      summary: "Remove my avatar",
      auth: "user",
      responses: { 200: json(userSchema, "The user without an avatar") },
    },
  },
  "avatars/[userId]/[version].ts": {
    GET: {
      id: "getAvatar",
      summary: "An avatar image (cached for a year: a version never changes)",
      auth: "user",
      responses: { 200: media("image/*", "The image") },
      errors: { 404: ["avatar_not_found"] },
    },
  },
  "users/index.ts": {
    GET: {
      id: "listUsers",
      summary: "People whose username starts with q (moderators and above)",
      auth: "user",
      query: usersQuery,
      responses: { 200: json(z.array(userSchema), "Users by username") },
      errors: { 403: ["forbidden_role"] },
    },
  },
  "users/[id].ts": {
    PATCH: {
      id: "setRole",
      summary: "Give a role; the owner's role owner hands the ownership on",
      auth: "user",
      body: roleBody,
      responses: { 200: json(userSchema, "The user with the new role") },
      errors: { 403: ["forbidden_role"], 404: ["user_not_found"] },
    },
  },
  "timeouts/[userId].ts": {
    PUT: {
      id: "timeOut",
      summary: "Time someone out (moderators and above)",
      auth: "user",
      body: timeoutBody,
      responses: { 200: json(timeoutSchema, "The timeout") },
      errors: { 403: ["forbidden_role"], 404: ["user_not_found"] },
    },
    DELETE: {
      id: "liftTimeout",
      summary: "Lift a timeout (also when there is none)",
      auth: "user",
      responses: { 204: empty("Lifted") },
      errors: { 403: ["forbidden_role"], 404: ["user_not_found"] },
    },
  },
  "bans/index.ts": {
    GET: {
      id: "listBans",
      summary: "Every ban in force (admins and above)",
      auth: "user",
      responses: { 200: json(z.array(banSchema), "Bans by user id") },
      errors: { 403: ["forbidden_role"] },
    },
  },
  "bans/[userId].ts": {
    PUT: {
      id: "ban",
      summary: "Ban someone: their tokens answer 401 at once",
      description:
        "deleteMessagesSeconds (0 to 604800) also deletes their messages of that window outside DMs; deletedMessages counts them.",
      auth: "user",
      body: banBody,
      responses: { 200: json(banResultSchema, "The ban") },
      errors: { 403: ["forbidden_role"], 404: ["user_not_found"] },
    },
    DELETE: {
      id: "unban",
      summary: "Lift a ban (also when there is none)",
      auth: "user",
      responses: { 204: empty("Lifted") },
      errors: { 403: ["forbidden_role"], 404: ["user_not_found"] },
    },
  },
  "audit.ts": {
    GET: {
      id: "readAudit",
      summary: "The audit log, newest first (admins and above)",
      auth: "user",
      query: auditQuery,
      responses: { 200: json(z.array(auditEntrySchema), "Entries") },
      errors: { 403: ["forbidden_role"] },
    },
  },
};
