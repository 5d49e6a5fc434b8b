/** zod schemas for the register and login request bodies. */
import { z } from "zod";
import {
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD_CHARS,
  passwordByteLength,
  passwordCharLength,
} from "./password.ts";

/** Fewest characters a username may have. */
export const MIN_USERNAME_LENGTH = 3;
/** Most characters a username may have. */
export const MAX_USERNAME_LENGTH = 32;
/** Most characters a display name may have, after trimming. */
export const MAX_DISPLAY_NAME_LENGTH = 64;

// Both cases are accepted: usernames are unique without regard to case but
// stored as typed, so the data layer compares lowercased copies.
const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
// C0 and C1 controls, plus the bidi overrides that can disguise a name.
const CONTROL_CHARS = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

function stringOf(field: string) {
  return z.string({
    error: (issue) =>
      issue.input === undefined
        ? `${field} is required`
        : `${field} must be a string`,
  });
}

/** A username: 3 to 32 of `A-Z a-z 0-9 _ . -`. */
export const usernameSchema = stringOf("Username")
  .min(
    MIN_USERNAME_LENGTH,
    `Username must be at least ${MIN_USERNAME_LENGTH} characters`,
  )
  .max(
    MAX_USERNAME_LENGTH,
    `Username must be at most ${MAX_USERNAME_LENGTH} characters`,
  )
  .regex(
    USERNAME_PATTERN,
    "Username may contain only letters, digits, underscores, dots and hyphens",
  );

// NFC first, so the same password typed on systems that compose accents
// differently yields the same bytes for bcrypt.
const passwordBase = stringOf("Password")
  .refine((p) => p.isWellFormed(), "Password contains invalid characters")
  .transform((p) => p.normalize("NFC"));

/** A new password: at least 8 characters and at most 72 UTF-8 bytes, NFC-normalised. */
export const newPasswordSchema = passwordBase
  .refine(
    (p) => passwordCharLength(p) >= MIN_PASSWORD_CHARS,
    `Password must be at least ${MIN_PASSWORD_CHARS} characters`,
  )
  .refine(
    (p) => passwordByteLength(p) <= MAX_PASSWORD_BYTES,
    `Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`,
  );

/** A password given at login: non-empty and at most 72 UTF-8 bytes, NFC-normalised. */
export const loginPasswordSchema = passwordBase
  .refine((p) => p.length > 0, "Password is required")
  .refine(
    (p) => passwordByteLength(p) <= MAX_PASSWORD_BYTES,
    `Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`,
  );

/** A display name: trimmed, 1 to 64 characters, no control characters. */
export const displayNameSchema = stringOf("Display name")
  .trim()
  .min(1, "Display name must not be empty")
  .refine(
    (name) => [...name].length <= MAX_DISPLAY_NAME_LENGTH,
    `Display name must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`,
  )
  .refine(
    (name) => !CONTROL_CHARS.test(name),
    "Display name must not contain control characters",
  );

const bodyError = "Request body must be a JSON object";

/** The body of `POST /auth/register`. */
export const registerSchema = z.object({
  username: usernameSchema,
  password: newPasswordSchema,
  displayName: displayNameSchema.optional(),
}, { error: bodyError });

/** The body of `POST /auth/login`, JSON or form-encoded; extra form fields are dropped. */
export const loginSchema = z.object({
  username: usernameSchema,
  password: loginPasswordSchema,
}, { error: bodyError });

/** The body of `PATCH /me`: the display name follows the rules of registration. */
export const profileSchema = z.object({
  displayName: displayNameSchema,
}, { error: bodyError });

/** A parsed register body. */
export type RegisterBody = z.infer<typeof registerSchema>;
/** A parsed login body. */
export type LoginBody = z.infer<typeof loginSchema>;
