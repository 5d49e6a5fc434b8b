// Every KV key of the file store lives here, so nothing else spells them.

/** `["files", id]`: a committed file's metadata. */
export const fileKey = (id: string): Deno.KvKey => ["files", id];

/** `["file_chunks", id, n]`: the n-th 64 KiB chunk of a file's bytes. */
export const chunkKey = (id: string, n: number): Deno.KvKey => [
  "file_chunks",
  id,
  n,
];

/** `["pending_uploads", id]`: an upload in progress, with a time to live. */
export const pendingKey = (id: string): Deno.KvKey => ["pending_uploads", id];

/** `["upload_started", id] -> ms`: durable in-progress record the sweeper reads. */
export const startedKey = (id: string): Deno.KvKey => ["upload_started", id];

/** The prefix under which every upload-in-progress record lives. */
export const STARTED_PREFIX: Deno.KvKey = ["upload_started"];

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
    const op = kv.atomic();
    for (const key of keys) op.delete(key);
    const res = await op.commit();
    if (!res.ok) throw new Error(`Deleting chunks of file "${fileId}" failed`);
    keys = [];
  };
  const entries = kv.list({ prefix: ["file_chunks", fileId] }, {
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
  const res = await kv.atomic()
    .delete(pendingKey(fileId))
    .delete(startedKey(fileId))
    .commit();
  if (!res.ok) throw new Error(`Clearing upload "${fileId}" failed`);
}
