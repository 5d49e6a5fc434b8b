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
  CONTENT_CONTROL_CHARS,
  MAX_BAN_DELETE_SECONDS,
  MAX_CHANNEL_NAME_LENGTH,
  MAX_CONTENT_LENGTH,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_INVITE_CODE_LENGTH,
  MAX_INVITE_SECONDS,
  MAX_INVITE_USES,
  MAX_PAGE_SIZE,
  MAX_PASSWORD_BYTES,
  MAX_REASON_LENGTH,
  MAX_SLOW_MODE_SECONDS,
  MAX_STATUS_LENGTH,
  MAX_TIMEOUT_SECONDS,
  MAX_TOPIC_LENGTH,
  MAX_USERNAME_LENGTH,
  MIN_PASSWORD_CHARS,
  MIN_USERNAME_LENGTH,
  POST_POLICIES,
  USERNAME_CHARS,
} from "./limits.ts";
import { canonicalEmoji, isSingleEmoji } from "./emoji.ts";
import { NOTIFICATION_LEVELS } from "./notifications.ts";
import {
  codePointLength,
  contentLength,
  hasOnlyVisibleChars,
  normalizeNewlines,
  utf8ByteLength,
} from "./text.ts";

/** A string field whose type errors say "required" when it is missing. */
function text(label: string) {
  return z.string({
    error: (issue) =>
      issue.input === undefined
        ? `${label} is required`
        : `${label} must be a string`,
  });
}

/**
 * A line of text people read as a name or heading: trimmed, at most `max`
 * characters (code points), well-formed, and free of controls and invisible
 * characters, so it can neither look empty nor pass for another.
 */
function visibleText(label: string, max: number, required: boolean) {
  const base = text(label).trim();
  return (required ? base.min(1, `${label} must not be empty`) : base)
    .refine(
      (value) => codePointLength(value) <= max,
      `${label} must be at most ${max} characters`,
    )
    .refine(
      (value) => value.isWellFormed(),
      `${label} contains invalid characters`,
    )
    .refine(
      hasOnlyVisibleChars,
      `${label} must not contain control or invisible characters`,
    );
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

/** A display name: trimmed, 1 to 64 characters, nothing invisible (see `visibleText`). */
export const displayNameSchema = visibleText(
  "Display name",
  MAX_DISPLAY_NAME_LENGTH,
  true,
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

/** A channel name: trimmed, 1 to 80 characters, nothing invisible. */
export const channelNameSchema = visibleText(
  "Channel name",
  MAX_CHANNEL_NAME_LENGTH,
  true,
);

/** A channel topic: trimmed, at most 250 characters, empty allowed, nothing invisible. */
export const topicSchema = visibleText("Topic", MAX_TOPIC_LENGTH, false);

/** A channel's notification level. */
export const notificationLevelSchema = z.enum(NOTIFICATION_LEVELS, {
  error: 'level must be "all", "mentions" or "none"',
});

/** Whether a channel is muted. */
export const mutedFlagSchema = z.boolean({
  error: "muted must be true or false",
});

/** A status line under a name: optional (empty clears it), at most 80 visible characters. */
export const statusSchema = visibleText("Status", MAX_STATUS_LENGTH, false);

/** Whether a new channel is private. */
export const privateFlagSchema = z.boolean({
  error: (issue) =>
    issue.input === undefined
      ? "Private is required"
      : "Private must be true or false",
});

/**
 * Message text: line breaks normalised to `\n`, trimmed, at most 4,000
 * characters (code points), well-formed, no control characters but tab and
 * newline. Empty only when `allowEmpty` (a file's caption).
 */
function messageText(allowEmpty: boolean) {
  const base = text("Content").transform(normalizeNewlines).pipe(
    z.string().trim(),
  );
  return (allowEmpty ? base : base.pipe(
    z.string().min(1, "Content must not be empty"),
  ))
    .refine(
      (value) => contentLength(value) <= MAX_CONTENT_LENGTH,
      `Content must be at most ${MAX_CONTENT_LENGTH} characters`,
    )
    .refine(
      (value) => value.isWellFormed(),
      "Content contains invalid characters",
    )
    .refine(
      (value) => !CONTENT_CONTROL_CHARS.test(value),
      "Content must not contain control characters other than tab and newline",
    );
}

/** Message text: 1 to 4,000 characters (see `messageText`). */
export const contentSchema = messageText(false);

/** The text sent with a file: like `contentSchema`, but empty is fine (the file is the message). */
export const captionSchema = messageText(true);

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

/** The seq of an existing message, in a body or frame: a positive safe integer. */
export const messageSeqSchema = z.number({
  error: (issue) =>
    issue.input === undefined ? "seq is required" : "seq must be a number",
})
  .int("seq must be an integer")
  .min(1, "seq must be at least 1")
  .max(Number.MAX_SAFE_INTEGER, "seq is too large");

/** A message seq in a URL path, e.g. `/messages/12`. */
export const pathSeqSchema = z.string()
  .regex(/^[1-9]\d{0,14}$/, "seq must be a positive integer")
  .transform(Number);

/**
 * A reaction: exactly one emoji (see `isSingleEmoji`), in its one canonical
 * spelling (see `canonicalEmoji`), so `👍` and `👍️` are the same reaction.
 */
export const emojiSchema = text("Emoji").transform(canonicalEmoji).refine(
  isSingleEmoji,
  "Emoji must be exactly one emoji",
);

/** An invite code as sent: any short string (one that is no code is simply unknown). */
export const inviteCodeSchema = text("Invite").trim()
  .min(1, "Invite must not be empty")
  .max(MAX_INVITE_CODE_LENGTH, "Invite is not an invite code");

/** A channel id in a body: any short string (an unknown one is a 404 later). */
export const channelIdSchema = text("channelId").min(
  1,
  "channelId must not be empty",
)
  .max(64, "channelId is not a channel id");

/** How many times an invite may be used: 1 to 1,000. */
export const maxUsesSchema = z.int({ error: "maxUses must be a whole number" })
  .min(1, "maxUses must be at least 1")
  .max(MAX_INVITE_USES, `maxUses must be at most ${MAX_INVITE_USES}`);

/** How long an invite lives, in seconds: a minute to 30 days. */
export const expiresInSecondsSchema = z.int({
  error: "expiresInSeconds must be a whole number",
})
  .min(60, "expiresInSeconds must be at least 60")
  .max(
    MAX_INVITE_SECONDS,
    `expiresInSeconds must be at most ${MAX_INVITE_SECONDS} (30 days)`,
  );

/** How long a timeout lasts: 1 second to 28 days. */
export const timeoutSecondsSchema = z.int({
  error: "seconds must be a whole number",
})
  .min(1, "seconds must be at least 1")
  .max(
    MAX_TIMEOUT_SECONDS,
    `seconds must be at most ${MAX_TIMEOUT_SECONDS} (28 days)`,
  );

/** Why a moderator acted: trimmed, up to 500 characters. */
export const reasonSchema = z.string({ error: "reason must be a string" })
  .trim()
  .max(
    MAX_REASON_LENGTH,
    `reason must be at most ${MAX_REASON_LENGTH} characters`,
  );

/** A channel's slow mode in seconds: 0 (off) to 6 hours. */
export const slowModeSecondsSchema = z.int({
  error: "slowModeSeconds must be a whole number",
})
  .min(0, "slowModeSeconds must be at least 0")
  .max(
    MAX_SLOW_MODE_SECONDS,
    `slowModeSeconds must be at most ${MAX_SLOW_MODE_SECONDS} (6 hours)`,
  );

/** Who may post in a channel: "everyone", or "moderators" (read-only for members). */
export const postPolicySchema = z.enum(POST_POLICIES, {
  error: 'postPolicy must be "everyone" or "moderators"',
});

/** How far back a ban deletes the person's messages, in seconds: 0 to 7 days. */
export const deleteMessagesSecondsSchema = z.int({
  error: "deleteMessagesSeconds must be a whole number",
})
  .min(0, "deleteMessagesSeconds must be at least 0")
  .max(
    MAX_BAN_DELETE_SECONDS,
    `deleteMessagesSeconds must be at most ${MAX_BAN_DELETE_SECONDS} (7 days)`,
  );
