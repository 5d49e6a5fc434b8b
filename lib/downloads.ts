import { isMember } from "./db/members.ts";
import type { User } from "./db/users.ts";
import { ApiError } from "./errors.ts";
import { serveFile } from "./files/headers.ts";
import { getFileMeta } from "./files/store.ts";
import { isInlineSafe } from "./files/types.ts";
import type { Services } from "./services.ts";

/**
 * Serves a file to members of its channel. Everyone else, signed in or not,
 * hears the same 404 as for an id that does not exist, so ids are not confirmed.
 */
export async function openSharedFile(
  services: Services,
  user: User | null,
  fileId: string,
  req: Request,
): Promise<Response> {
  const notFound = new ApiError(404, "file_not_found", "File not found");
  if (!user) throw notFound;
  const meta = await getFileMeta(services.kv, fileId);
  if (!meta || !await isMember(services.kv, meta.channelId, user.id)) {
    throw notFound;
  }
  return serveFile(services.kv, meta, req, { inline: isInlineSafe(meta.type) });
}
