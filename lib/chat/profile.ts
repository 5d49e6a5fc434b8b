/** Use cases of a user's own profile. */
import { updateDisplayName, updateStatus, type User } from "../db/users.ts";
import type { Services } from "../services.ts";
import type { ProfileBody } from "../shared/requests.ts";
import { announceUserChange } from "./member_faces.ts";

/**
 * Renames the user; member lists held for `ready` frames and standings kept
 * in memory (the name a post is signed with) forget the old name at once.
 */
export async function renameSelf(
  services: Services,
  user: User,
  displayName: string,
): Promise<User> {
  const updated = await updateDisplayName(services.kv, user.id, displayName);
  announceUserChange(services, user.id);
  return updated;
}

/** Applies a `PATCH /me`: a new display name, a new status line, or both. */
export async function updateProfile(
  services: Services,
  user: User,
  body: ProfileBody,
): Promise<User> {
  let updated = user;
  if (body.displayName !== undefined) {
    updated = await renameSelf(services, user, body.displayName);
  }
  if (body.status !== undefined) {
    updated = await updateStatus(services.kv, user.id, body.status);
    announceUserChange(services, user.id);
  }
  return updated;
}
