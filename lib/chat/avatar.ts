/** Use cases of avatars: setting and removing one's own, and serving anyone's to the signed in. */
import { readAvatar, removeAvatar, saveAvatar } from "../db/avatars.ts";
import type { User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import { drawAvatar } from "../files/avatar_image.ts";
import type { Services } from "../services.ts";
import { announceUserChange } from "./member_faces.ts";

/** Draws the uploaded image as the user's avatar; member lists pick it up at once. */
export async function setAvatar(
  services: Services,
  user: User,
  req: Request,
): Promise<User> {
  const drawn = await drawAvatar(req, services.thumbnailer);
  const updated = await saveAvatar(services.kv, user.id, drawn);
  announceUserChange(services, user.id);
  return updated;
}

/** Removes the user's avatar. */
export async function clearAvatar(
  services: Services,
  user: User,
): Promise<User> {
  const updated = await removeAvatar(services.kv, user.id);
  announceUserChange(services, user.id);
  return updated;
}

/**
 * One avatar version, for anyone signed in (people see each other's in
 * shared channels, DMs and profile cards); 404 once replaced or removed.
 */
export async function avatarImage(
  services: Services,
  userId: string,
  version: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string }> {
  const number = /^[1-9][0-9]{0,8}$/.test(version) ? Number(version) : NaN;
  const image = Number.isNaN(number) || userId.length > 64
    ? null
    : await readAvatar(services.kv, userId, number);
  if (image === null) {
    throw new ApiError(404, "avatar_not_found", "No such avatar");
  }
  return image;
}
