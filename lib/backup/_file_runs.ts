/**
 * The backup's rules for files: a file's chunks come in order, each full but
 * the last, right before its metadata (or the note that it was deleted while
 * it was being exported), and hash to its sha256; every file a message points
 * at is in the backup.
 */
import { createHash, type Hash } from "node:crypto";
import { CHUNK_SIZE, type FileMeta } from "../files/store.ts";
import { BackupError, type BackupRecord, type RecordOf } from "./format.ts";

type Fail = (message: string) => never;

interface OpenFile {
  id: string;
  next: number;
  size: number;
  shortChunk: boolean;
  hash: Hash;
}

/** Follows the runs of chunks and the files they make, record by record. */
export class FileRuns {
  #files = new Set<string>();
  /** File ids that messages point at, with the first line that did. */
  #referenced = new Map<string, number>();
  #open: OpenFile | null = null;

  /** The chunks read so far of the file whose run is open, or 0. */
  get openChunks(): number {
    return this.#open?.next ?? 0;
  }

  /** Fails when a run of chunks is open and `record` is not its next chunk or its end. */
  requireNext(record: BackupRecord, fail: Fail): void {
    if (this.#open === null || record.type === "chunk") return;
    const closes = record.type === "file"
      ? record.file.id
      : record.type === "file_dropped"
      ? record.fileId
      : null;
    if (closes !== this.#open.id) {
      fail(
        `the chunks of file "${this.#open.id}" are not followed by its file record`,
      );
    }
  }

  /** Notes that a message at `line` points at the file `fileId`. */
  reference(fileId: string, line: number): void {
    if (!this.#referenced.has(fileId)) this.#referenced.set(fileId, line);
  }

  /** Checks one chunk, `bytes` being its decoded data. */
  chunk(
    record: RecordOf<"chunk">,
    bytes: Uint8Array | undefined,
    fail: Fail,
  ): void {
    if (bytes === undefined || bytes.length === 0) fail("an empty chunk");
    if (bytes.length > CHUNK_SIZE) {
      fail(`a chunk of ${bytes.length} bytes, over ${CHUNK_SIZE}`);
    }
    let open = this.#open;
    if (open === null || open.id !== record.fileId) {
      if (open !== null) {
        fail(
          `the chunks of file "${open.id}" are not followed by its file record`,
        );
      }
      if (this.#files.has(record.fileId)) {
        fail(`file "${record.fileId}" appears twice`);
      }
      open = {
        id: record.fileId,
        next: 0,
        size: 0,
        shortChunk: false,
        hash: createHash("sha256"),
      };
      this.#open = open;
    }
    if (record.n !== open.next) {
      fail(
        `chunk ${record.n} of file "${open.id}" where ${open.next} comes next`,
      );
    }
    if (open.shortChunk) {
      fail(`chunk ${record.n} of file "${open.id}" follows a short chunk`);
    }
    open.shortChunk = bytes.length < CHUNK_SIZE;
    open.size += bytes.length;
    open.next++;
    open.hash.update(bytes);
  }

  /** Closes the run with the file's metadata, which must match its chunks. */
  file(meta: FileMeta, fail: Fail): void {
    if (this.#files.has(meta.id)) fail(`file "${meta.id}" appears twice`);
    const open = this.#open;
    const size = open?.size ?? 0;
    const sha256 = (open?.hash ?? createHash("sha256")).digest("hex");
    this.#open = null;
    if (size !== meta.size) {
      fail(
        `file "${meta.id}" has ${size} bytes of chunks but a size of ${meta.size}`,
      );
    }
    if (sha256 !== meta.sha256) {
      fail(`the chunks of file "${meta.id}" do not match its sha256`);
    }
    this.#files.add(meta.id);
  }

  /** Closes the run of a file deleted while it was exported. */
  dropped(fileId: string, fail: Fail): void {
    // `requireNext` has checked that the open run, if any, is this file's.
    if (this.#open === null) {
      fail(`file "${fileId}" is dropped without any chunks`);
    }
    this.#open = null;
  }

  /** Fails when the last run of chunks was never closed. */
  requireClosed(): void {
    if (this.#open !== null) {
      throw new BackupError(
        `the chunks of file "${this.#open.id}" are not followed by its file record`,
      );
    }
  }

  /** Fails when a message points at a file the backup does not hold. */
  requireReferenced(): void {
    for (const [fileId, line] of this.#referenced) {
      if (!this.#files.has(fileId)) {
        throw new BackupError(
          `the record at line ${line} points at file "${fileId}", which the backup does not hold`,
        );
      }
    }
  }
}
