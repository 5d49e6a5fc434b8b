/**
 * The KV rows a stored file is made of: its chunks, then its metadata, which
 * is written last so that a file never reads short. The file store writes
 * them as an upload streams in; an import restores them in the same order.
 */
import { chunkKey, fileKey } from "../db/_keys.ts";
import type { KvRow } from "../db/rows.ts";
import type { FileMeta } from "./store.ts";

/** The n-th chunk of a file's bytes. */
export function chunkRow(fileId: string, n: number, bytes: Uint8Array): KvRow {
  return { key: chunkKey(fileId, n), value: bytes };
}

/** A file's metadata, which publishes it: write it only after every chunk. */
export function fileMetaRow(meta: FileMeta): KvRow {
  return { key: fileKey(meta.id), value: meta };
}
