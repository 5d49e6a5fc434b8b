import { z } from "zod";
import { ApiError } from "../errors.ts";
import { MAX_CHANNEL_NAME_LENGTH, MAX_TOPIC_LENGTH } from "./channels.ts";
import {
  CLIENT_ID_PATTERN,
  MAX_CONTENT_LENGTH,
  MAX_PAGE_SIZE,
} from "./messages.ts";
import { MAX_DISPLAY_NAME_LENGTH, USERNAME_PATTERN } from "./users.ts";

/** An error for a wrong type that says "required" when the field is missing. */
function typeError(name: string, expected: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined
        ? `${name} is required`
        : `${name} must be ${expected}`,
  };
}

// Rules are repeated in the data layer (which must hold for any caller); these
// schemas give the API its early, field-specific messages.

/** A username: 1–32 letters, digits, `_`, `.` or `-`, surrounding spaces trimmed. */
export const usernameSchema = z.string(typeError("username", "a string"))
  .trim()
  .regex(USERNAME_PATTERN, {
    error:
      "username must be 1 to 32 letters, digits, underscores, dots or hyphens",
  });

/** A display name: 1–64 characters after trimming. */
export const displayNameSchema = z.string(typeError("displayName", "a string"))
  .trim()
  .min(1, { error: "displayName must not be empty" })
  .max(MAX_DISPLAY_NAME_LENGTH, {
    error: `displayName must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`,
  });

/** A client-chosen idempotency id: 1–64 of `A-Z a-z 0-9 _ - . :`. */
export const clientIdSchema = z.string(typeError("clientId", "a string"))
  .regex(CLIENT_ID_PATTERN, {
    error: "clientId must be 1 to 64 letters, digits or any of _ - . :",
  });

/** Body of `POST /channels`. */
export const createChannelSchema = z.object({
  name: z.string(typeError("name", "a string"))
    .trim()
    .min(1, { error: "name must not be empty" })
    .max(MAX_CHANNEL_NAME_LENGTH, {
      error: `name must be at most ${MAX_CHANNEL_NAME_LENGTH} characters`,
    }),
  topic: z.string(typeError("topic", "a string"))
    .trim()
    .max(MAX_TOPIC_LENGTH, {
      error: `topic must be at most ${MAX_TOPIC_LENGTH} characters`,
    })
    .optional(),
  private: z.boolean(typeError("private", "true or false")).optional(),
});

/** Body of `POST /channels/{id}/members`. */
export const addMemberSchema = z.object({ username: usernameSchema });

/** A seq sent in a JSON body: a non-negative integer. */
const seqSchema = z.number(typeError("seq", "a number"))
  .int({ error: "seq must be an integer" })
  .min(0, { error: "seq must not be negative" })
  .max(Number.MAX_SAFE_INTEGER, { error: "seq is too large" });

/** Body of `POST /channels/{id}/read`. */
export const readMarkerSchema = z.object({ seq: seqSchema });

/** Body of `POST /channels/{id}/messages`. */
export const createMessageSchema = z.object({
  content: z.string(typeError("content", "a string"))
    .trim()
    .min(1, { error: "content must not be empty" })
    .max(MAX_CONTENT_LENGTH, {
      error: `content must be at most ${MAX_CONTENT_LENGTH} characters`,
    }),
  clientId: clientIdSchema.optional(),
});

/** A query parameter holding a non-negative integer, e.g. `?before=120`. */
function queryInteger(name: string) {
  return z.string(typeError(name, "a non-negative integer"))
    .regex(/^\d{1,15}$/, { error: `${name} must be a non-negative integer` })
    .transform(Number);
}

/**
 * Query of `GET /channels/{id}/messages` (pass `Object.fromEntries(url.searchParams)`).
 * `limit` is 1–200 and defaults to 50; larger values are clamped to 200.
 */
export const listMessagesQuerySchema = z.object({
  before: queryInteger("before").optional(),
  after: queryInteger("after").optional(),
  limit: queryInteger("limit")
    .refine((n) => n >= 1, { error: "limit must be at least 1" })
    .transform((n) => Math.min(n, MAX_PAGE_SIZE))
    .optional(),
});

/** Body of `PATCH /me`. */
export const patchMeSchema = z.object({ displayName: displayNameSchema });

/**
 * Parses `input` with `schema` or throws a 422 `validation_failed` whose
 * detail is the first issue's message.
 */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  input: unknown,
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // Object-level issues (a body that is not an object) have an empty path.
  const detail = issue.path.length === 0 && issue.code === "invalid_type"
    ? "Request body must be a JSON object"
    : issue.message;
  throw new ApiError(422, "validation_failed", detail);
}
