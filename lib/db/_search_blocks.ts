/**
 * Posting blocks: the seqs of one gram in one channel are stored per block
 * of 1,024 seqs, as the sorted 16-bit offsets of the block's seqs that hold
 * the gram. One row per (gram, block) instead of one per (gram, message)
 * makes the index about ten times smaller in KV's SQLite file.
 */

/** Seqs per posting block. */
export const BLOCK_SEQS = 1024;

/** The block a seq is in. */
export const blockOf = (seq: number): number => Math.floor(seq / BLOCK_SEQS);

/** The sorted offsets a stored block holds; none for a missing one. */
export function decodeBlock(value: Uint8Array | null): number[] {
  if (value === null) return [];
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 1 < value.byteLength; i += 2) {
    out.push(view.getUint16(i, true));
  }
  return out;
}

/** The stored form of a block's offsets (sorted here); null for none. */
export function encodeBlock(offsets: Iterable<number>): Uint8Array | null {
  const sorted = [...offsets].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const bytes = new Uint8Array(sorted.length * 2);
  const view = new DataView(bytes.buffer);
  sorted.forEach((offset, i) => view.setUint16(i * 2, offset, true));
  return bytes;
}
