import { type PostedMessage, postMessage } from "./chat.ts";
import { z } from "zod";
import { MAX_CONTENT_LENGTH } from "./db/messages.ts";
import { clientIdSchema } from "./db/schemas.ts";
import type { User } from "./db/users.ts";
import { validate } from "./http/body.ts";
import { log } from "./log.ts";
import { abandonUpload } from "./files/_keys.ts";
import { readUpload } from "./files/multipart.ts";
import { commitFileMeta, deleteFile } from "./files/store.ts";
import { stageFile } from "./files/upload.ts";
import type { Services } from "./services.ts";

// A caption may be empty: the file is the message.
const captionSchema = z.object({
  content: z.string().trim().max(MAX_CONTENT_LENGTH, {
    error: `content must be at most ${MAX_CONTENT_LENGTH} characters`,
  }),
  clientId: clientIdSchema.optional(),
});

/**
 * Streams a multipart upload into KV chunks, then writes the file's metadata,
 * then the message that carries it, in that order: a crash at any point never
 * leaves a message whose file reads short. The caller has checked membership.
 */
export async function shareFile(
  services: Services,
  user: User,
  channelId: string,
  req: Request,
): Promise<PostedMessage> {
  const { kv, config } = services;
  const { file, fields } = await readUpload(req, {
    maxBytes: config.maxUploadBytes,
    onFile: (part) =>
      stageFile(kv, part.stream, {
        name: part.filename,
        maxBytes: config.maxUploadBytes,
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
    }, captionSchema);
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
  const posted = await postMessage(services, user, channelId, {
    content: caption.content,
    clientId: caption.clientId,
    file,
  });
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
