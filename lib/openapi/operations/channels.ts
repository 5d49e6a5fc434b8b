/** Operations of channels, their members and direct messages: channels/, dms. */
import { z } from "zod";
import {
  addMemberBody,
  candidatesQuery,
  changeChannelBody,
  createChannelBody,
  listChannelsQuery,
  membersQuery,
  notificationsBody,
  openDmBody,
  readMarkerBody,
} from "../../shared/requests.ts";
import {
  channelSchema,
  memberPageSchema,
  notificationSettingSchema,
  userSchema,
} from "../../shared/response_schemas.ts";
import { empty, json, type OperationRegistry } from "../operation.ts";

/** What every route of one channel may refuse: unknown id, not a member. */
const OF_A_CHANNEL = { 403: ["not_member"], 404: ["channel_not_found"] };

/** Channels, members and DMs, keyed by route file. */
export const channelOperations: OperationRegistry = {
  "channels/index.ts": {
    GET: {
      id: "listChannels",
      summary: "My channels by name; scope=all adds every public channel",
      auth: "user",
      query: listChannelsQuery,
      responses: { 200: json(z.array(channelSchema), "Channels") },
    },
    POST: {
      id: "createChannel",
      summary: "Create a channel; the creator is its owner",
      auth: "user",
      body: createChannelBody,
      rateLimited: true,
      responses: { 201: json(channelSchema, "The new channel") },
      errors: { 409: ["channel_exists"] },
    },
  },
  "channels/[id]/index.ts": {
    PATCH: {
      id: "changeChannel",
      summary: "Rename a channel, set its topic, slow mode or post policy",
      description:
        "Any of name, topic, slowModeSeconds (0 to 21600; 0 is off) and postPolicy (everyone, or moderators: read-only for members), at least one; a DM has none of these (403 direct_message). Slow mode and post policy changes go into the audit log and reach open sockets as channel_updated.",
      auth: "user",
      body: changeChannelBody,
      responses: { 200: json(channelSchema, "The channel as changed") },
      errors: {
        403: ["not_owner", "not_member", "direct_message"],
        404: ["channel_not_found"],
        409: ["channel_exists", "channel_protected"],
      },
    },
    DELETE: {
      id: "deleteChannel",
      summary: "Delete a channel with its messages and files",
      auth: "user",
      responses: { 204: empty("Deleted") },
      errors: {
        403: ["not_owner", "not_member", "direct_message"],
        404: ["channel_not_found"],
        409: ["channel_protected"],
      },
    },
  },
  "channels/[id]/join.ts": {
    POST: {
      id: "joinChannel",
      summary: "Join a public channel; again changes nothing",
      auth: "user",
      responses: { 200: json(channelSchema, "The channel") },
      errors: {
        403: ["private_channel", "direct_message"],
        404: ["channel_not_found"],
      },
    },
  },
  "channels/[id]/leave.ts": {
    POST: {
      id: "leaveChannel",
      summary: "Leave a channel; leaving one I am not in changes nothing",
      auth: "user",
      responses: { 204: empty("Left") },
      errors: { 403: ["direct_message"], 404: ["channel_not_found"] },
    },
  },
  "channels/[id]/members.ts": {
    GET: {
      id: "listMembers",
      summary: "A page of the channel's members by username, each with online",
      description:
        "Pages by username: pass nextCursor back as cursor. online=true lists only members online on this server, online=false only the others; q only those whose username or display name starts with it (ignoring case). limit is 1 to 200 (default 50). A cursor that is not a nextCursor is refused with 422.",
      auth: "user",
      query: membersQuery,
      responses: { 200: json(memberPageSchema, "A page of members") },
      errors: OF_A_CHANNEL,
    },
    POST: {
      id: "addMember",
      summary: "Add someone (the channel owner only)",
      auth: "user",
      body: addMemberBody,
      responses: { 201: json(userSchema, "The added user") },
      errors: {
        403: ["not_owner", "not_member", "direct_message"],
        404: ["channel_not_found", "user_not_found"],
      },
    },
  },
  "channels/[id]/members/[userId].ts": {
    DELETE: {
      id: "removeMember",
      summary: "Take someone out of a channel (my own id leaves)",
      auth: "user",
      responses: { 204: empty("Out") },
      errors: {
        403: ["not_owner", "not_member", "direct_message"],
        404: ["channel_not_found"],
      },
    },
  },
  "channels/[id]/candidates.ts": {
    GET: {
      id: "listCandidates",
      summary:
        "Up to 10 people not in the channel whose username starts with q",
      auth: "user",
      query: candidatesQuery,
      responses: { 200: json(z.array(userSchema), "Users") },
      errors: {
        403: ["not_owner", "not_member", "direct_message"],
        404: ["channel_not_found"],
      },
    },
  },
  "channels/[id]/read.ts": {
    POST: {
      id: "markRead",
      summary: "Move my read marker forward (never back)",
      auth: "user",
      body: readMarkerBody,
      responses: { 204: empty("Marked") },
      errors: OF_A_CHANNEL,
    },
  },
  "channels/[id]/notifications.ts": {
    PUT: {
      id: "chooseNotifications",
      summary: "My notification level and/or mute for this channel",
      auth: "user",
      body: notificationsBody,
      responses: { 200: json(notificationSettingSchema, "The choice") },
      errors: OF_A_CHANNEL,
    },
  },
  "dms.ts": {
    POST: {
      id: "openDm",
      summary: "Open (or find) the direct message with 1 to 9 people",
      auth: "user",
      body: openDmBody,
      rateLimited: true,
      responses: {
        200: json(channelSchema, "The DM that already existed"),
        201: json(channelSchema, "The new DM"),
      },
      errors: { 403: ["timed_out", "blocked"], 404: ["user_not_found"] },
    },
  },
};
