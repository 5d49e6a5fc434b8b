/** Use cases of files: sharing one in a channel, and downloading it. */
import { getFileMeta } from "../files/store.ts";
import { serveFile } from "../files/headers.ts";
import { isInlineSafe } from "../files/types.ts";
import { abandonUpload } from "../files/_keys.ts";
import { readUpload } from "../files/multipart.ts";
import { commitFileMeta, deleteFile } from "../files/store.ts";
import { stageFile } from "../files/upload.ts";
import { addStorageUsed, getStorageUsed } from "../db/storage.ts";
import type { User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import { log } from "../log.ts";
import type { Services } from "../services.ts";
import { uploadFields } from "../shared/requests.ts";
import { validate } from "../validation.ts";
import { type PostedMessage, postMessage } from "./messages.ts";
import { ChannelMember } from "./standing.ts";

/**
 * Streams a multipart upload into KV chunks, then writes the file's metadata,
 * then the message that carries it, in that order: a crash at any point never
 * leaves a message whose file reads short.
 */
export async function shareFile(
  member: ChannelMember,
  req: Request,
): Promise<PostedMessage> {
  const { services, user, channelId } = member;
  const { kv } = services;
  const maxBytes = await storageRoom(services, user.id);
  const { file, fields } = await readUpload(req, {
    maxBytes,
    onFile: (part) =>
      stageFile(kv, part.stream, {
        name: part.filename,
        maxBytes,
        // Not `req.signal`: a hang-up already fails the body read, which
        // cleans up, and reading `req.signal` makes Deno.serve print its
        // legacy-abort warning to stderr.
      }),
    onDiscard: (staged) => abandonUpload(kv, staged.id),
  });
  let caption;
  try {
    // Checked before the file is published, so a bad caption leaves nothing behind.
    caption = validate({
      content: fields.content ?? "",
      clientId: fields.clientId,
    }, uploadFields);
    await commitFileMeta(kv, {
      ...file,
      channelId,
      uploaderId: user.id,
      createdAt: new Date().toISOString(),
    });
  } catch (error) {
    await abandonUpload(kv, file.id).catch(() => {});
    throw error;
  }
  const posted = await postMessage(member, {
    content: caption.content,
    clientId: caption.clientId,
    file,
  });
  if (posted.created) await addStorageUsed(kv, user.id, file.size);
  // A repeated clientId answers with the message stored the first time, which
  // carries the first copy of the file; this copy would be referenced by nothing.
  if (!posted.created) {
    await deleteFile(kv, file.id).catch((error) =>
      log("warn", "deleting a duplicate upload failed", {
        fileId: file.id,
        error: String(error),
      })
    );
  }
  return posted;
}

/**
 * The largest file `userId` may share now: the upload limit, or what is left
 * of their storage (`--user-storage-mb`); 413 `storage_quota_exceeded` when
 * nothing is. Concurrent uploads may each take the rest, overshooting by them.
 */
async function storageRoom(
  services: Services,
  userId: string,
): Promise<number> {
  const { config, kv } = services;
  const left = config.userLimits.storageBytes -
    await getStorageUsed(kv, userId);
  if (left <= 0) {
    const mib = Math.round(config.userLimits.storageBytes / 1024 / 1024);
    throw new ApiError(
      413,
      "storage_quota_exceeded",
      `You have shared ${mib} MiB of files, the most one account may`,
    );
  }
  return Math.min(config.maxUploadBytes, left);
}

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
  // File ids are UUIDs. A much longer one cannot exist, and would overflow
  // KV's 2 KiB key limit (a 500) if it were looked up.
  if (!user || fileId.length > MAX_FILE_ID_LENGTH) throw notFound;
  const meta = await getFileMeta(services.kv, fileId);
  if (!meta || !await ChannelMember.find(services, meta.channelId, user)) {
    throw notFound;
  }
  return serveFile(services.kv, meta, req, { inline: isInlineSafe(meta.type) });
}

const MAX_FILE_ID_LENGTH = 64;
