/** Operations of messages and files: channels/[id]/messages…, changes, files, mentions, search. */
import { z } from "zod";
import {
  changesQuery,
  editMessageBody,
  listMessagesQuery,
  mentionsQuery,
  messagePath,
  postMessageBody,
  reactionPath,
  searchQuery,
} from "../../shared/requests.ts";
import { messageSchema, searchPageSchema } from "../../shared/wire_schemas.ts";
import { empty, json, media, type OperationRegistry } from "../operation.ts";

const OF_A_CHANNEL = { 403: ["not_member"], 404: ["channel_not_found"] };
const OF_A_MESSAGE = {
  403: ["not_member"],
  404: ["channel_not_found", "message_not_found"],
};
const messages = z.array(messageSchema);

/** Messages, reactions, files and search, keyed by route file. */
export const messageOperations: OperationRegistry = {
  "channels/[id]/messages.ts": {
    GET: {
      id: "listMessages",
      summary: "A page of history, oldest first (before/after are seqs)",
      auth: "user",
      query: listMessagesQuery,
      responses: { 200: json(messages, "Messages") },
      errors: OF_A_CHANNEL,
    },
    POST: {
      id: "postMessage",
      summary: "Post a message; a repeated clientId stores nothing new",
      auth: "user",
      body: postMessageBody,
      rateLimited: true,
      responses: {
        200: json(messageSchema, "The message stored the first time"),
        201: json(messageSchema, "The stored message"),
      },
      errors: {
        ...OF_A_CHANNEL,
        403: ["not_member", "timed_out", "blocked", "read_only"],
        429: ["slow_mode"],
      },
    },
  },
  "channels/[id]/messages/[seq].ts": {
    PATCH: {
      id: "editMessage",
      summary: "Edit my message",
      auth: "user",
      path: messagePath,
      body: editMessageBody,
      responses: { 200: json(messageSchema, "The edited message") },
      errors: {
        ...OF_A_MESSAGE,
        403: ["not_member", "not_author", "timed_out", "blocked"],
        409: ["message_deleted"],
      },
    },
    DELETE: {
      id: "deleteMessage",
      summary: "Delete a message; it stays at its seq as a tombstone",
      auth: "user",
      path: messagePath,
      responses: { 204: empty("Deleted") },
      errors: { ...OF_A_MESSAGE, 403: ["not_member", "not_author"] },
    },
  },
  "channels/[id]/messages/[seq]/reactions/[emoji].ts": {
    PUT: {
      id: "addReaction",
      summary: "Add my reaction (the emoji URL-encoded); again changes nothing",
      auth: "user",
      path: reactionPath,
      responses: { 204: empty("Added") },
      errors: {
        ...OF_A_MESSAGE,
        403: ["not_member", "timed_out", "blocked"],
        409: ["message_deleted"],
        422: ["validation_failed", "too_many_reactions"],
      },
    },
    DELETE: {
      id: "removeReaction",
      summary: "Remove my reaction; again changes nothing",
      auth: "user",
      path: reactionPath,
      responses: { 204: empty("Removed") },
      errors: {
        ...OF_A_MESSAGE,
        403: ["not_member", "timed_out", "blocked"],
        409: ["message_deleted"],
      },
    },
  },
  "channels/[id]/changes.ts": {
    GET: {
      id: "listChanges",
      summary: "Messages changed after rev since, in rev order",
      auth: "user",
      query: changesQuery,
      responses: { 200: json(messages, "Messages as they are now") },
      errors: OF_A_CHANNEL,
    },
  },
  "channels/[id]/files.ts": {
    POST: {
      id: "shareFile",
      summary: "Share a file with an optional caption",
      auth: "user",
      multipart: {
        file: { description: "The file", binary: true, required: true },
        content: { description: "A caption (may be empty)" },
        clientId: {
          description: "Makes a retried upload store one message",
        },
      },
      rateLimited: true,
      responses: {
        200: json(messageSchema, "The message stored the first time"),
        201: json(messageSchema, "The message with the file"),
      },
      errors: {
        ...OF_A_CHANNEL,
        400: ["malformed_multipart", "upload_interrupted"],
        403: ["not_member", "timed_out", "blocked", "read_only"],
        409: ["upload_expired"],
        413: ["file_too_large", "field_too_large", "storage_quota_exceeded"],
        415: ["unsupported_media_type"],
        422: ["file_required", "validation_failed"],
        429: ["slow_mode"],
      },
    },
  },
  "files/[id].ts": {
    GET: {
      id: "downloadFile",
      summary:
        "A shared file (ranges supported); 404 to whoever may not read it",
      auth: "user",
      responses: {
        200: media("application/octet-stream", "The file"),
        206: media("application/octet-stream", "The requested range"),
        304: empty("Not modified"),
      },
      errors: { 404: ["file_not_found"], 416: ["range_not_satisfiable"] },
    },
  },
  "files/[id]/thumbnail.ts": {
    GET: {
      id: "downloadThumbnail",
      summary: "An image's thumbnail",
      auth: "user",
      responses: {
        200: media("image/*", "The thumbnail"),
        304: empty("Not modified"),
      },
      errors: { 404: ["file_not_found"] },
    },
  },
  "mentions.ts": {
    GET: {
      id: "listMentions",
      summary: "The newest messages that mention me, newest first",
      auth: "user",
      query: mentionsQuery,
      responses: { 200: json(messages, "Messages") },
    },
  },
  "search.ts": {
    GET: {
      id: "search",
      summary: "Find messages by substring in my channels, newest first",
      auth: "user",
      query: searchQuery,
      responses: { 200: json(searchPageSchema, "A page of results") },
      errors: OF_A_CHANNEL,
    },
  },
};
