/**
 * The test server's database: an in-memory map of raw key bytes kept sorted,
 * so that a range read is a binary search (KV's key encoding sorts as its
 * bytes do; keys are never decoded). Values stay opaque bytes with their
 * encoding tag; only sum, min and max look inside, at LE64 values. Each
 * commit takes the next versionstamp (8-byte big-endian counter, 2 zero
 * bytes) and wakes the watchers of the keys it wrote.
 */
import {
  Encoding,
  MutationType,
  type WireEntry,
  type WireMutation,
  type WireRange,
  type WireWrite,
} from "./kv_connect_proto.ts";

/** A request the store refuses (the server answers 400 with the message). */
export class BadRequest extends Error {}

interface Stored extends WireEntry {
  /** ms since the epoch; 0: never. */
  expireAt: number;
}

/** The outcome of an atomic write. */
export type WriteResult =
  | { ok: true; versionstamp: Uint8Array }
  | { ok: false; failedChecks: number[] };

/** Compares two keys byte by byte, as KV orders them. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

// A key as a Map key: one char per byte.
const id = (key: Uint8Array) => String.fromCharCode(...key);

const equalBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && compareKeys(a, b) === 0;

/** The in-memory database behind one test server. */
export class KvConnectStore {
  #entries: Stored[] = [];
  #commits = 0n;
  #watchers = new Map<string, Set<() => void>>();

  /** How many live (unexpired) keys the store holds. */
  get size(): number {
    const now = Date.now();
    return this.#entries.filter((e) => !expired(e, now)).length;
  }

  /** The entries of one range, in key order or reversed, at most `limit`. */
  read(range: WireRange): WireEntry[] {
    const now = Date.now();
    const from = this.#lowerBound(range.start);
    const to = this.#lowerBound(range.end);
    const out: WireEntry[] = [];
    const step = range.reverse ? -1 : 1;
    for (
      let i = range.reverse ? to - 1 : from;
      i >= from && i < to && out.length < range.limit;
      i += step
    ) {
      const entry = this.#entries[i];
      if (!expired(entry, now)) out.push(wire(entry));
    }
    return out;
  }

  /** The entry at `key`, or null. */
  get(key: Uint8Array): WireEntry | null {
    const entry = this.#find(key);
    return entry === null ? null : wire(entry);
  }

  /**
   * Applies a write: every check holds, then every mutation lands under one
   * new versionstamp, or nothing does. Throws BadRequest on a mutation the
   * store cannot apply (then nothing lands either).
   */
  write(write: WireWrite): WriteResult {
    const failedChecks = write.checks.flatMap((check, i) => {
      const current = this.#find(check.key)?.versionstamp ?? new Uint8Array();
      return equalBytes(current, check.versionstamp) ? [] : [i];
    });
    if (failedChecks.length > 0) return { ok: false, failedChecks };
    const versionstamp = this.#nextVersionstamp();
    // Worked out against an overlay first, so a bad mutation changes nothing.
    const overlay = new Map<string, Stored | null>();
    const current = (key: Uint8Array) => {
      const k = id(key);
      return overlay.has(k) ? overlay.get(k)! : this.#find(key);
    };
    for (const mutation of write.mutations) {
      const key = mutation.mutationType ===
          MutationType.SET_SUFFIX_VERSIONSTAMPED_KEY
        ? withVersionstampSuffix(mutation.key, versionstamp)
        : mutation.key;
      overlay.set(id(key), apply(mutation, key, current(key), versionstamp));
    }
    for (const [k, entry] of overlay) {
      const key = Uint8Array.from(k, (c) => c.charCodeAt(0));
      if (entry === null) this.#remove(key);
      else this.#put(entry);
    }
    for (const k of overlay.keys()) {
      for (const wake of this.#watchers.get(k) ?? []) wake();
    }
    this.#commits++;
    return { ok: true, versionstamp };
  }

  /** Calls `wake` after every commit that writes `key`, until the returned function is called. */
  subscribe(key: Uint8Array, wake: () => void): () => void {
    const k = id(key);
    const set = this.#watchers.get(k) ?? new Set();
    set.add(wake);
    this.#watchers.set(k, set);
    return () => {
      set.delete(wake);
      if (set.size === 0) this.#watchers.delete(k);
    };
  }

  #nextVersionstamp(): Uint8Array {
    const stamp = new Uint8Array(10);
    new DataView(stamp.buffer).setBigUint64(0, this.#commits + 1n);
    return stamp;
  }

  // The first index whose key is >= `key`.
  #lowerBound(key: Uint8Array): number {
    let lo = 0, hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(this.#entries[mid].key, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #find(key: Uint8Array): Stored | null {
    const i = this.#lowerBound(key);
    const entry = this.#entries[i];
    if (entry === undefined || !equalBytes(entry.key, key)) return null;
    return expired(entry, Date.now()) ? null : entry;
  }

  #put(entry: Stored): void {
    const i = this.#lowerBound(entry.key);
    const there = this.#entries[i];
    if (there !== undefined && equalBytes(there.key, entry.key)) {
      this.#entries[i] = entry;
    } else this.#entries.splice(i, 0, entry);
  }

  #remove(key: Uint8Array): void {
    const i = this.#lowerBound(key);
    const there = this.#entries[i];
    if (there !== undefined && equalBytes(there.key, key)) {
      this.#entries.splice(i, 1);
    }
  }
}

function expired(entry: Stored, now: number): boolean {
  return entry.expireAt !== 0 && entry.expireAt <= now;
}

function wire({ key, value, encoding, versionstamp }: Stored): WireEntry {
  return { key, value, encoding, versionstamp };
}

// KV's versionstamped keys end in a string part: the 20 hex digits of the stamp.
function withVersionstampSuffix(
  key: Uint8Array,
  versionstamp: Uint8Array,
): Uint8Array {
  const hex = Array.from(versionstamp, (b) => b.toString(16).padStart(2, "0"))
    .join("");
  return Uint8Array.from([
    ...key,
    0x02,
    ...new TextEncoder().encode(hex),
    0x00,
  ]);
}

/** What `mutation` leaves at `key` (null: nothing), given what is there now. */
function apply(
  mutation: WireMutation,
  key: Uint8Array,
  current: Stored | null,
  versionstamp: Uint8Array,
): Stored | null {
  const type = mutation.mutationType;
  if (type === MutationType.DELETE) return null;
  const value = mutation.value;
  if (!value) throw new BadRequest("mutation has no value");
  const stored = (data: Uint8Array, encoding: number): Stored => ({
    key,
    value: data,
    encoding,
    versionstamp,
    expireAt: mutation.expireAtMs,
  });
  if (
    type === MutationType.SET ||
    type === MutationType.SET_SUFFIX_VERSIONSTAMPED_KEY
  ) {
    return stored(value.data, value.encoding);
  }
  if (
    type !== MutationType.SUM && type !== MutationType.MIN &&
    type !== MutationType.MAX
  ) throw new BadRequest(`unknown mutation type ${type}`);
  if (value.encoding !== Encoding.LE64 || value.data.length !== 8) {
    throw new BadRequest("sum, min and max take LE64 (KvU64) operands only");
  }
  const operand = le64(value.data);
  if (current === null) return stored(value.data, Encoding.LE64);
  if (current.encoding !== Encoding.LE64) {
    throw new BadRequest("sum, min or max on a value that is not a KvU64");
  }
  const was = le64(current.value);
  const next = type === MutationType.SUM
    ? BigInt.asUintN(64, was + operand)
    : type === MutationType.MIN
    ? (was < operand ? was : operand)
    : (was > operand ? was : operand);
  const data = new Uint8Array(8);
  new DataView(data.buffer).setBigUint64(0, next, true);
  return stored(data, Encoding.LE64);
}

function le64(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
}
