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

/** Most characters (UTF-16 units, after trimming) a channel name may have. */
export const MAX_CHANNEL_NAME_LENGTH = 80;
/** Most characters (UTF-16 units, after trimming) a channel topic may have. */
export const MAX_TOPIC_LENGTH = 250;

/** Most characters (UTF-16 units, after trimming) of a message's content. */
export const MAX_CONTENT_LENGTH = 4000;

/** Client-chosen idempotency keys, the same over HTTP, uploads and the socket (fits UUIDs). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Largest client frame accepted, in UTF-8 bytes; bigger frames close the socket with 1009. */
export const MAX_FRAME_BYTES = 16 * 1024;

/** Messages in a history page when the client names no `limit`. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest history page; bigger limits are clamped to it. */
export const MAX_PAGE_SIZE = 200;

/**
 * C0 and C1 controls, plus the bidi overrides and isolates that can make one
 * name read as another. Names (display names, channel names) refuse them.
 */
export const NAME_CONTROL_CHARS = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
