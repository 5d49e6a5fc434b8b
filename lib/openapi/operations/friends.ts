/** Operations of friends and blocks: friends/, blocks/. */
import { z } from "zod";
import { friendRequestBody } from "../../shared/requests.ts";
import {
  blockedViewSchema,
  friendAcceptedSchema,
  friendListsSchema,
  friendRequestResultSchema,
} from "../../shared/response_schemas.ts";
import { empty, json, media, type OperationRegistry } from "../operation.ts";

/** What every route naming another person may refuse: nobody by that id, or myself. */
const OF_A_PERSON = { 404: ["user_not_found"], 422: ["self"] };

/** Friends and blocks, keyed by route file. */
export const friendOperations: OperationRegistry = {
  "friends/index.tsx": {
    GET: {
      id: "listFriends",
      summary: "My friends and the requests both ways",
      description:
        "The same address is the friends page: a request whose Accept asks for text/html gets the page (Vary: Accept), and a browser without a session is sent to /.",
      auth: "user",
      responses: {
        200: json(
          friendListsSchema,
          "Friends (online first), incoming and outgoing requests",
          "text/html",
        ),
        302: empty("A browser's navigation without a session: to /"),
      },
    },
    POST: {
      id: "askFriend",
      summary: "Ask someone to be friends (by username)",
      auth: "user",
      body: friendRequestBody,
      responses: {
        200: json(friendRequestResultSchema, "They had asked me: friends now"),
        201: json(friendRequestResultSchema, "A request, waiting for them"),
      },
      errors: {
        ...OF_A_PERSON,
        403: ["blocked"],
        409: ["already_friends", "already_requested"],
      },
    },
  },
  "friends/[userId].ts": {
    PUT: {
      id: "acceptFriend",
      summary: "Accept their request; accepting a friend again changes nothing",
      auth: "user",
      responses: { 200: json(friendAcceptedSchema, "Friends") },
      errors: { ...OF_A_PERSON, 404: ["user_not_found", "request_not_found"] },
    },
    DELETE: {
      id: "dropFriend",
      summary: "Decline their request, cancel mine, or unfriend",
      auth: "user",
      responses: { 204: empty("Nothing between us any more") },
      errors: OF_A_PERSON,
    },
  },
  "friends/events.ts": {
    GET: {
      id: "friendsEvents",
      summary: "Server-sent events: friends_changed on every change",
      description:
        "A text/event-stream: an event friends_changed (data {}) each time my friends, requests or blocks change; a comment every 15 s keeps it open. It ends when the token is signed out or expires, or I am banned.",
      auth: "user",
      responses: { 200: media("text/event-stream", "The event stream") },
    },
  },
  "blocks/index.ts": {
    GET: {
      id: "listBlocks",
      summary: "The people I blocked, by username",
      auth: "user",
      responses: { 200: json(z.array(blockedViewSchema), "Blocked people") },
    },
  },
  "blocks/[userId].ts": {
    PUT: {
      id: "block",
      summary: "Block someone; ends any friendship or request between us",
      auth: "user",
      responses: { 204: empty("Blocked") },
      errors: OF_A_PERSON,
    },
    DELETE: {
      id: "unblock",
      summary: "Unblock someone (not blocked: nothing changes)",
      auth: "user",
      responses: { 204: empty("Unblocked") },
      errors: OF_A_PERSON,
    },
  },
};
