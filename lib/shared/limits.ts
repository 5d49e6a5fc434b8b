/**
 * Every limit and pattern of Hearth's input, defined once. Plain constants with
 * no imports, so the browser bundle (the composer's `maxLength`, the dialogs)
 * can use them without pulling in zod; `fields.ts` turns them into schemas.
 */

/** Fewest characters a username may have. */
export const MIN_USERNAME_LENGTH = 3;
/** Most characters a username may have. */
export const MAX_USERNAME_LENGTH = 32;
/**
 * The characters of a username. Both cases are accepted: usernames are unique
 * without regard to case but stored as typed.
 */
export const USERNAME_CHARS = /^[A-Za-z0-9_.-]+$/;

/** Most characters (code points, after trimming) a display name may have. */
export const MAX_DISPLAY_NAME_LENGTH = 64;

/** Fewest characters (code points) a new password may have. */
export const MIN_PASSWORD_CHARS = 8;
/** Most UTF-8 bytes a password may have: bcrypt ignores every byte past 72. */
export const MAX_PASSWORD_BYTES = 72;

/** Most characters (code points, after trimming) a channel name may have. */
export const MAX_CHANNEL_NAME_LENGTH = 80;
/** Most characters (code points, after trimming) a channel topic may have. */
export const MAX_TOPIC_LENGTH = 250;

/** Most characters (code points, after trimming) of a user's status line. */
export const MAX_STATUS_LENGTH = 80;

/** Most characters (code points, after trimming) of a message's content: 4,000 emoji fit. */
export const MAX_CONTENT_LENGTH = 4000;

/** Client-chosen idempotency keys, the same over HTTP, uploads and the socket (fits UUIDs). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Largest client frame accepted, in UTF-8 bytes; bigger frames close the socket with 1009. */
export const MAX_FRAME_BYTES = 16 * 1024;

/** Messages in a history page when the client names no `limit`. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest history page; bigger limits are clamped to it. */
export const MAX_PAGE_SIZE = 200;

/** Most online members a socket's `ready` frame lists; the rest are paged over HTTP. */
export const READY_ONLINE_MEMBERS = 100;

/**
 * What no name, topic or status may hold: controls, format characters (bidi
 * overrides, zero-width spaces), line and paragraph separators, every default
 * ignorable code point (U+034F, U+3164 ...) and the blank braille pattern.
 * Any of them can make a name look empty or read as someone else's.
 */
export const INVISIBLE_CHARS =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/u;

/**
 * The invisible characters that emoji sequences are built with (the zero-width
 * joiner of 👩‍💻, the variation selectors of ❤️): allowed right after a
 * visible character, never alone or first.
 */
export const EMOJI_JOINERS = /^[\u200d\ufe0e\ufe0f]$/u;

/** Control characters message content may not hold: all but tab and newline. */
export const CONTENT_CONTROL_CHARS =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Most distinct emoji one message may carry as reactions. */
export const MAX_REACTIONS_PER_MESSAGE = 20;
/** Most characters (code points) of the original a reply quotes. */
export const MAX_EXCERPT_LENGTH = 100;
/** Most people one message mentions; further `@names` stay plain text. */
export const MAX_MENTIONS_PER_MESSAGE = 20;
/** Most replies whose quote is refreshed when their original is edited or deleted. */
export const MAX_REPLIES_REFRESHED = 50;
/** Most characters of an emoji in a URL or frame (the longest RGI sequences are 10 code points). */
export const MAX_EMOJI_LENGTH = 32;

/**
 * An `@username` in message text: not right after a word character, `@` or
 * dot (so `ada@example.org` mentions nobody). Trailing dots and hyphens are
 * sentence punctuation, not part of the name.
 */
export const MENTION_PATTERN =
  /(?<![\p{L}\p{N}_.@])@([A-Za-z0-9_.-]*[A-Za-z0-9_])/gu;

/** An invite code: 22 URL-safe base64 characters, 128 random bits. */
export const INVITE_CODE_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** Longest invite code a body may carry; anything that is not a code is unknown (404). */
export const MAX_INVITE_CODE_LENGTH = 64;
/** Most uses an invite may allow. */
export const MAX_INVITE_USES = 1000;
/** Longest an invite may live: 30 days. */
export const MAX_INVITE_SECONDS = 30 * 86400;
/** Longest a timeout may last: 28 days. */
export const MAX_TIMEOUT_SECONDS = 28 * 86400;
/** Longest a moderation reason may be. */
export const MAX_REASON_LENGTH = 500;
/** Longest a channel's slow mode may be: 6 hours (0 turns it off). */
export const MAX_SLOW_MODE_SECONDS = 6 * 3600;
/** The slow modes the channel menu offers, in seconds (0: off). */
export const SLOW_MODE_CHOICES = [0, 5, 10, 30, 60, 300, 900, 3600, 21600];
/** Who may post in a channel: everyone, or only moderators and above (read-only). */
export const POST_POLICIES = ["everyone", "moderators"] as const;
/** Furthest back a ban may delete the banned person's messages: 7 days. */
export const MAX_BAN_DELETE_SECONDS = 7 * 86400;
/** The close reason (with code 1008) of a banned person's sockets, so their pages can say why. */
export const BANNED_CLOSE_REASON = "Banned";
