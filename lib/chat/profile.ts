/** Use cases of a user's own profile. */
import { updateDisplayName, type User } from "../db/users.ts";
import type { Services } from "../services.ts";

/** Renames the user; member lists held for `ready` frames forget the old name at once. */
export async function renameSelf(
  services: Services,
  user: User,
  displayName: string,
): Promise<User> {
  const updated = await updateDisplayName(services.kv, user.id, displayName);
  services.roster.forget();
  return updated;
}
