import { CHUNK_SIZE, type FileMeta } from "../files/store.ts";
import { chunkKey, fileKey } from "./_keys.ts";
import { readMany } from "./_kv_read.ts";
import { BackupError, type BackupRecord } from "./format.ts";

// Chunks read per getMany: 512 KiB in memory at a time.
const CHUNKS_PER_READ = 8;

/**
 * Writes a file's chunks, then its metadata. Each batch of chunks is read
 * together with the metadata in one getMany, so a file deleted meanwhile
 * (metadata first, then chunks) is noticed; its chunks already written are
 * then cancelled with a `file_dropped` record, and nothing else of it is
 * written.
 */
export async function exportFile(
  kv: Deno.Kv,
  meta: FileMeta,
  versionstamp: string,
  record: (value: BackupRecord, bytes?: Uint8Array) => Promise<void>,
): Promise<void> {
  const count = Math.ceil(meta.size / CHUNK_SIZE);
  const gone = async (written: number) => {
    if (written > 0) await record({ type: "file_dropped", fileId: meta.id });
  };
  for (let n = 0; n < count; n += CHUNKS_PER_READ) {
    const keys: Deno.KvKey[] = [fileKey(meta.id)];
    for (let i = n; i < Math.min(n + CHUNKS_PER_READ, count); i++) {
      keys.push(chunkKey(meta.id, i));
    }
    const [current, ...entries] = await readMany(kv, keys);
    if (current.versionstamp !== versionstamp) return await gone(n);
    for (const [i, entry] of entries.entries()) {
      const bytes = entry.value;
      const expected = Math.min(CHUNK_SIZE, meta.size - (n + i) * CHUNK_SIZE);
      if (!(bytes instanceof Uint8Array) || bytes.length !== expected) {
        // Deleted between two reads after all, or really damaged?
        const [again] = await readMany(kv, [fileKey(meta.id)]);
        if (again.versionstamp !== versionstamp) return await gone(n + i);
        throw new BackupError(
          `Cannot export file "${meta.id}": chunk ${n + i} is missing or short`,
        );
      }
      await record(
        { type: "chunk", fileId: meta.id, n: n + i, data: bytes.toBase64() },
        bytes,
      );
    }
  }
  await record({ type: "file", file: meta } as BackupRecord);
}
