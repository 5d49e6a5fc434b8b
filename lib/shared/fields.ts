/**
 * One zod schema per field of Hearth's input, built from `limits.ts`. The HTTP
 * bodies, the socket's frames, uploads and the data layer's own checks all use
 * these, so a rule (a length, a pattern, trimming) cannot drift between paths.
 * Browser-safe: no Deno APIs.
 *
 * Messages name the field in words ("Display name must ..."); the code that
 * reports an issue prefixes the field's path, so a client can tell which
 * field of a body was refused.
 */
import { z } from "zod";
import {
  CLIENT_ID_PATTERN,
  MAX_CHANNEL_NAME_LENGTH,
  MAX_CONTENT_LENGTH,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_PAGE_SIZE,
  MAX_PASSWORD_BYTES,
  MAX_TOPIC_LENGTH,
  MAX_USERNAME_LENGTH,
  MIN_PASSWORD_CHARS,
  MIN_USERNAME_LENGTH,
  NAME_CONTROL_CHARS,
  USERNAME_CHARS,
} from "./limits.ts";
import { codePointLength, utf8ByteLength } from "./text.ts";

/** A string field whose type errors say "required" when it is missing. */
function text(label: string) {
  return z.string({
    error: (issue) =>
      issue.input === undefined
        ? `${label} is required`
        : `${label} must be a string`,
  });
}

/** A username: 3 to 32 of `A-Z a-z 0-9 _ . -`, surrounding spaces trimmed. */
export const usernameSchema = text("Username")
  .trim()
  .min(
    MIN_USERNAME_LENGTH,
    `Username must be at least ${MIN_USERNAME_LENGTH} characters`,
  )
  .max(
    MAX_USERNAME_LENGTH,
    `Username must be at most ${MAX_USERNAME_LENGTH} characters`,
  )
  .regex(
    USERNAME_CHARS,
    "Username may contain only letters, digits, underscores, dots and hyphens",
  );

/** A display name: trimmed, 1 to 64 characters (code points), no control characters. */
export const displayNameSchema = text("Display name")
  .trim()
  .min(1, "Display name must not be empty")
  .refine(
    (name) => codePointLength(name) <= MAX_DISPLAY_NAME_LENGTH,
    `Display name must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`,
  )
  .refine(
    (name) => !NAME_CONTROL_CHARS.test(name),
    "Display name must not contain control characters",
  );

// NFC first, so the same password typed on systems that compose accents
// differently yields the same bytes for bcrypt.
const password = text("Password")
  .refine((p) => p.isWellFormed(), "Password contains invalid characters")
  .transform((p) => p.normalize("NFC"));

/** A new password: at least 8 characters and at most 72 UTF-8 bytes, NFC-normalised. */
export const newPasswordSchema = password
  .refine(
    (p) => codePointLength(p) >= MIN_PASSWORD_CHARS,
    `Password must be at least ${MIN_PASSWORD_CHARS} characters`,
  )
  .refine(
    (p) => utf8ByteLength(p) <= MAX_PASSWORD_BYTES,
    `Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`,
  );

/** A password given at sign-in: non-empty and at most 72 UTF-8 bytes, NFC-normalised. */
export const loginPasswordSchema = password
  .refine((p) => p.length > 0, "Password is required")
  .refine(
    (p) => utf8ByteLength(p) <= MAX_PASSWORD_BYTES,
    `Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`,
  );

/** A channel name: trimmed, 1 to 80 characters, no control characters. */
export const channelNameSchema = text("Channel name")
  .trim()
  .min(1, "Channel name must not be empty")
  .max(
    MAX_CHANNEL_NAME_LENGTH,
    `Channel name must be at most ${MAX_CHANNEL_NAME_LENGTH} characters`,
  )
  .refine(
    (name) => !NAME_CONTROL_CHARS.test(name),
    "Channel name must not contain control characters",
  );

/** A channel topic: trimmed, at most 250 characters, empty allowed. */
export const topicSchema = text("Topic")
  .trim()
  .max(
    MAX_TOPIC_LENGTH,
    `Topic must be at most ${MAX_TOPIC_LENGTH} characters`,
  );

/** Whether a new channel is private. */
export const privateFlagSchema = z.boolean({
  error: (issue) =>
    issue.input === undefined
      ? "Private is required"
      : "Private must be true or false",
});

/** Message text: trimmed, 1 to 4000 characters. */
export const contentSchema = text("Content")
  .trim()
  .min(1, "Content must not be empty")
  .max(
    MAX_CONTENT_LENGTH,
    `Content must be at most ${MAX_CONTENT_LENGTH} characters`,
  );

/** The text sent with a file: like `contentSchema`, but empty is fine (the file is the message). */
export const captionSchema = text("Content")
  .trim()
  .max(
    MAX_CONTENT_LENGTH,
    `Content must be at most ${MAX_CONTENT_LENGTH} characters`,
  );

/** A client-chosen idempotency key: 1 to 64 URL-safe characters (fits UUIDs and nanoids). */
export const clientIdSchema = text("clientId").regex(
  CLIENT_ID_PATTERN,
  "clientId must be 1 to 64 letters, digits or any of _ - . :",
);

/** A message seq sent in a JSON body: a non-negative safe integer. */
export const seqSchema = z.number({
  error: (issue) =>
    issue.input === undefined ? "seq is required" : "seq must be a number",
})
  .int("seq must be an integer")
  .min(0, "seq must not be negative")
  .max(Number.MAX_SAFE_INTEGER, "seq is too large");

/** A query parameter holding a non-negative integer, e.g. `?before=120`. */
export function querySeqSchema(name: string) {
  return z.string({ error: `${name} must be a non-negative integer` })
    .regex(/^\d{1,15}$/, `${name} must be a non-negative integer`)
    .transform(Number);
}

/** A page size in a query string: at least 1; more than 200 is clamped to 200. */
export const pageLimitSchema = querySeqSchema("limit")
  .refine((n) => n >= 1, "limit must be at least 1")
  .transform((n) => Math.min(n, MAX_PAGE_SIZE));
