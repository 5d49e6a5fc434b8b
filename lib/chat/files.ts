/** Use cases of files: sharing one in a channel, and downloading it. */
import {
  type FileMeta,
  getFileMeta,
  type ThumbnailRef,
} from "../files/store.ts";
import { stageThumbnail } from "../files/thumbnails.ts";
import { serveFile } from "../files/headers.ts";
import { isInlineSafe } from "../files/types.ts";
import { abandonUpload } from "../files/_keys.ts";
import { readUpload } from "../files/multipart.ts";
import { commitFileMeta, deleteFile } from "../files/store.ts";
import { type StagedFile, stageFile } from "../files/upload.ts";
import { getStorageUsed } from "../db/storage.ts";
import type { User } from "../db/users.ts";
import { ApiError } from "../errors.ts";
import { errorFields, log } from "../log.ts";
import type { Services } from "../services.ts";
import { uploadFields } from "../shared/requests.ts";
import { validate } from "../validation.ts";
import { admitPost, releaseSlot } from "./channel_rules.ts";
import { draftPost, postDraft, type PostedMessage } from "./messages.ts";
import { ChannelMember } from "./standing.ts";

/**
 * Streams a multipart upload into KV chunks, draws the thumbnail of an image,
 * checks the whole message, then writes the file's metadata, then the message
 * that carries it, in that order: a refused message leaves no file behind, a
 * crash at any point never leaves a message whose file reads short, and a
 * file whose message was never written is undone (or, after a crash, swept).
 */
export async function shareFile(
  member: ChannelMember,
  req: Request,
): Promise<PostedMessage> {
  const { services, user, channelId } = member;
  // Before the body is read, so a timed-out, too-fast or read-only upload
  // stores nothing.
  await services.quotas.takeMessage(user.id);
  await member.refuseTimedOut(async () => {
    await admitPost(member, { claim: false });
  });
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
  let thumbnail: StagedFile | null = null;
  let draft;
  try {
    const caption = validate({
      content: fields.content ?? "",
      clientId: fields.clientId,
    }, uploadFields);
    thumbnail = await stageThumbnail(kv, services.thumbnailer, file);
    // Every rule of the message, its stored size included, is checked before
    // the file is published: a refusal now leaves nothing behind.
    draft = draftPost(member, {
      content: caption.content,
      clientId: caption.clientId,
      file: { ...file, thumbnail: thumbnail !== null },
    });
    const owner = {
      channelId,
      uploaderId: user.id,
      createdAt: new Date().toISOString(),
    };
    await commitFileMeta(
      kv,
      {
        ...file,
        ...owner,
        ...(thumbnail && { thumbnail: thumbnailRef(thumbnail) }),
      },
      thumbnail ? { ...thumbnail, ...owner } : undefined,
    );
  } catch (error) {
    await abandonUpload(kv, file.id).catch(() => {});
    if (thumbnail) await abandonUpload(kv, thumbnail.id).catch(() => {});
    throw error;
  }
  let posted: PostedMessage;
  let slot = null;
  try {
    // Slow mode is claimed only now, so a refused upload costs no wait.
    const admission = await admitPost(member, {
      claim: true,
      clientId: draft.clientId,
    });
    slot = admission.slot;
    posted = admission.twin
      ? { message: admission.twin, created: false }
      : await postDraft(member, draft);
  } catch (error) {
    await releaseSlot(member, slot);
    // Published, but no message points at it: undo it now rather than leave
    // it to the sweeper.
    await dropFile(kv, file.id, "undoing an upload whose message failed");
    throw error;
  }
  // A repeated clientId answers with the message stored the first time, which
  // carries the first copy of the file; this copy would be referenced by nothing.
  if (!posted.created) {
    await dropFile(kv, file.id, "deleting a duplicate upload");
  }
  return posted;
}

async function dropFile(kv: Deno.Kv, fileId: string, what: string) {
  await deleteFile(kv, fileId).catch((error) =>
    // The sweeper reclaims it later: it is still marked unreferenced.
    log("warn", `${what} failed`, { fileId, ...errorFields(error) })
  );
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
  const meta = await sharedFileMeta(services, user, fileId);
  return serveFile(services.kv, meta, req, { inline: isInlineSafe(meta.type) });
}

/**
 * Serves an image's thumbnail to members of its channel, on the same terms as
 * the image. A thumbnail never changes under its URL (a new upload is a new
 * file), so browsers may keep it for a year without asking again.
 */
export async function openSharedThumbnail(
  services: Services,
  user: User | null,
  fileId: string,
  req: Request,
): Promise<Response> {
  const image = await sharedFileMeta(services, user, fileId);
  const thumbnail = image.thumbnail &&
    await getFileMeta(services.kv, image.thumbnail.id);
  if (!thumbnail) throw notFound();
  return serveFile(services.kv, thumbnail, req, {
    inline: true,
    cacheControl: "private, max-age=31536000, immutable",
  });
}

// The file's metadata, for a member of its channel only.
async function sharedFileMeta(
  services: Services,
  user: User | null,
  fileId: string,
): Promise<FileMeta> {
  // File ids are UUIDs. A much longer one cannot exist, and would overflow
  // KV's 2 KiB key limit (a 500) if it were looked up.
  if (!user || fileId.length > MAX_FILE_ID_LENGTH) throw notFound();
  const meta = await getFileMeta(services.kv, fileId);
  if (!meta || !await ChannelMember.find(services, meta.channelId, user)) {
    throw notFound();
  }
  return meta;
}

function notFound(): ApiError {
  return new ApiError(404, "file_not_found", "File not found");
}

function thumbnailRef(staged: StagedFile): ThumbnailRef {
  return {
    id: staged.id,
    type: staged.type,
    size: staged.size,
    width: staged.width!,
    height: staged.height!,
  };
}

const MAX_FILE_ID_LENGTH = 64;
