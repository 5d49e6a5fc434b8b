// The file store's keys come from the one registry (`lib/db/_keys.ts`); the
// deletions below walk them.
import { retryWrites } from "../db/_kv.ts";
import { chunksPrefix, fileKey, pendingKey, startedKey } from "../db/_keys.ts";

export {
  chunkKey,
  fileKey,
  pendingKey,
  STARTED_PREFIX,
  startedKey,
  UNREFERENCED_PREFIX,
  unreferencedFileKey,
} from "../db/_keys.ts";

// Chunks are read (KV has no key-only listing) and deleted a page at a time to keep memory flat.
const DELETE_PAGE = 10;

/** Deletes every stored chunk of a file, a few per atomic. */
export async function deleteFileChunks(
  kv: Deno.Kv,
  fileId: string,
): Promise<void> {
  let keys: Deno.KvKey[] = [];
  const drop = async () => {
    if (keys.length === 0) return;
    const page = keys;
    await retryWrites(
      `the chunks of file "${fileId}"`,
      () => {
        const op = kv.atomic();
        for (const key of page) op.delete(key);
        return op;
      },
      () => new Error(`Deleting chunks of file "${fileId}" failed`),
    );
    keys = [];
  };
  const entries = kv.list({ prefix: chunksPrefix(fileId) }, {
    batchSize: DELETE_PAGE,
  });
  for await (const entry of entries) {
    keys.push(entry.key);
    if (keys.length === DELETE_PAGE) await drop();
  }
  await drop();
}

/** Deletes an unfinished upload: its chunks first, then its markers. */
export async function abandonUpload(
  kv: Deno.Kv,
  fileId: string,
): Promise<void> {
  // Never reclaim the bytes of a file that has been committed.
  if ((await kv.get(fileKey(fileId))).versionstamp !== null) {
    throw new Error(`File "${fileId}" is committed, not an unfinished upload`);
  }
  await deleteFileChunks(kv, fileId);
  // Markers go last: if this process dies midway, the sweeper still finds the upload.
  await retryWrites(
    `upload "${fileId}"`,
    () => kv.atomic().delete(pendingKey(fileId)).delete(startedKey(fileId)),
    () => new Error(`Clearing upload "${fileId}" failed`),
  );
}
