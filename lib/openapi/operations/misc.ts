/** Operations of invites, push, health, the socket upgrade and the document itself. */
import { z } from "zod";
import {
  clientFrameSchema,
  serverFrameSchema,
} from "../../shared/frame_schemas.ts";
import {
  createInviteBody,
  pushSubscriptionBody,
  pushUnsubscribeBody,
  socketQuery,
} from "../../shared/requests.ts";
import {
  channelSchema,
  healthSchema,
  pushKeySchema,
} from "../../shared/response_schemas.ts";
import {
  invitePreviewSchema,
  inviteSchema,
} from "../../shared/wire_schemas.ts";
import { empty, json, media, type OperationRegistry } from "../operation.ts";

/** Invites, push, health, the socket and the API's own description, keyed by route file. */
export const miscOperations: OperationRegistry = {
  "healthz.ts": {
    GET: {
      id: "health",
      summary: "Liveness: 200 once the database is open",
      auth: "public",
      responses: { 200: json(healthSchema, "Healthy") },
      errors: { 503: ["database_unavailable"] },
    },
  },
  "invites/index.ts": {
    GET: {
      id: "listInvites",
      summary: "My invites (every invite, for admins and the owner)",
      auth: "user",
      responses: { 200: json(z.array(inviteSchema), "Invites") },
    },
    POST: {
      id: "createInvite",
      summary: "Make an invite link, to the instance or a channel",
      auth: "user",
      body: createInviteBody,
      responses: { 201: json(inviteSchema, "The invite") },
      errors: {
        403: ["not_member", "direct_message"],
        404: ["channel_not_found"],
      },
    },
  },
  "invites/[code].ts": {
    GET: {
      id: "previewInvite",
      summary: "What an invite is for (no sign-in needed)",
      auth: "public",
      responses: { 200: json(invitePreviewSchema, "The invite's preview") },
      errors: { 404: ["invite_not_found"] },
    },
    DELETE: {
      id: "revokeInvite",
      summary: "Revoke an invite (its maker, an admin or the owner)",
      auth: "user",
      responses: { 204: empty("Revoked") },
      errors: { 403: ["not_invite_owner"], 404: ["invite_not_found"] },
    },
  },
  "invites/[code]/accept.ts": {
    POST: {
      id: "acceptInvite",
      summary: "Join the invite's channel when already signed in",
      auth: "user",
      responses: { 200: json(channelSchema, "The channel joined") },
      errors: { 404: ["invite_not_found"], 410: ["invite_expired"] },
    },
  },
  "push/key.ts": {
    GET: {
      id: "getPushKey",
      summary: "The VAPID public key for PushManager.subscribe",
      auth: "user",
      responses: { 200: json(pushKeySchema, "The key") },
    },
  },
  "push/subscriptions.ts": {
    POST: {
      id: "subscribePush",
      summary: "Store this browser's push subscription",
      auth: "user",
      body: pushSubscriptionBody,
      responses: { 201: empty("Stored") },
    },
    DELETE: {
      id: "unsubscribePush",
      summary: "Forget a push subscription",
      auth: "user",
      body: pushUnsubscribeBody,
      responses: { 204: empty("Forgotten") },
    },
  },
  "ws/channels/[id].ts": {
    GET: {
      id: "openChannelSocket",
      summary: "Open a channel's WebSocket (see x-websocket for its frames)",
      description:
        "Upgrade with the token in Authorization, the session cookie, or ?token= (browsers). " +
        "after=<seq> sends the stored messages after it first; rev=<rev> also sends the changes missed, then caught_up. " +
        "The first server frame is ready. Client frames are JSON text of at most 16 KiB; a refused one gets an error frame and the socket stays open. " +
        "The message frame's clientId is required: 1 to 64 letters, digits or any of _ - . : (a UUID fits). " +
        "Close codes: 1008 when the user leaves, is removed, banned or signs out, or the channel is deleted; 1009 for an oversized frame; 1011 on a server fault.",
      auth: "user",
      query: socketQuery,
      frames: { client: clientFrameSchema, server: serverFrameSchema },
      responses: { 101: empty("Switching to the WebSocket protocol") },
      errors: {
        400: ["bad_handshake"],
        403: ["not_member", "origin_not_allowed"],
        404: ["channel_not_found"],
        426: ["upgrade_required"],
      },
    },
  },
  "openapi.json.ts": {
    GET: {
      id: "getOpenApi",
      summary: "This document",
      auth: "public",
      responses: {
        200: media("application/json", "The OpenAPI 3.1 document"),
      },
    },
  },
  "docs.ts": "the browsable reference page of this document",
  "index.tsx": "a page (the chat or the sign-in form)",
  "browse.tsx": "a page (browse channels)",
  "c/[id].tsx": "a page (a channel)",
  "invite/[code].tsx": "a page (an invite)",
  "admin.tsx": "a page (administration)",
  "sw.js.ts": "the service worker script",
};
