/**
 * The KV Connect data path messages (package `com.deno.kv.datapath`), as the
 * test server reads and writes them: the subset of the published schema that
 * Deno's client sends and reads, parsed once with protobufjs. Field numbers
 * and enum values are the protocol's; names are ours.
 */
import protobuf from "protobufjs";

const SCHEMA = `
syntax = "proto3";
package kvc;

message SnapshotRead { repeated ReadRange ranges = 1; }
message ReadRange { bytes start = 1; bytes end = 2; int32 limit = 3; bool reverse = 4; }
message SnapshotReadOutput {
  repeated ReadRangeOutput ranges = 1;
  bool read_disabled = 2;
  bool read_is_strongly_consistent = 4;
  int32 status = 8;
}
message ReadRangeOutput { repeated KvEntry values = 1; }
message KvEntry { bytes key = 1; bytes value = 2; int32 encoding = 3; bytes versionstamp = 4; }

message AtomicWrite {
  repeated Check checks = 1;
  repeated Mutation mutations = 2;
  repeated Enqueue enqueues = 3;
}
message Check { bytes key = 1; bytes versionstamp = 2; }
message Mutation {
  bytes key = 1;
  KvValue value = 2;
  int32 mutation_type = 3;
  int64 expire_at_ms = 4;
  bytes sum_min = 5;
  bytes sum_max = 6;
  bool sum_clamp = 7;
}
message KvValue { bytes data = 1; int32 encoding = 2; }
message Enqueue { bytes payload = 1; int64 deadline_ms = 2; }
message AtomicWriteOutput { int32 status = 1; bytes versionstamp = 2; repeated uint32 failed_checks = 4; }

message Watch { repeated WatchKey keys = 1; }
message WatchKey { bytes key = 1; }
message WatchOutput { int32 status = 1; repeated WatchKeyOutput keys = 2; }
message WatchKeyOutput { bool changed = 1; KvEntry entry_if_changed = 2; }
`;

/** How a value's bytes are encoded (`ValueEncoding`). */
export const Encoding = { V8: 1, LE64: 2, BYTES: 3 } as const;

/** What a mutation does (`MutationType`). */
export const MutationType = {
  SET: 1,
  DELETE: 2,
  SUM: 3,
  MAX: 4,
  MIN: 5,
  SET_SUFFIX_VERSIONSTAMPED_KEY: 9,
} as const;

/** `SnapshotReadStatus`: also the status of each watch message. */
export const READ_SUCCESS = 1;

/** `AtomicWriteStatus` values. */
export const WriteStatus = { SUCCESS: 1, CHECK_FAILURE: 2 } as const;

/** A stored entry as the wire carries it. */
export interface WireEntry {
  key: Uint8Array;
  value: Uint8Array;
  encoding: number;
  versionstamp: Uint8Array;
}

/** One range of a snapshot read: start inclusive, end exclusive. */
export interface WireRange {
  start: Uint8Array;
  end: Uint8Array;
  limit: number;
  reverse: boolean;
}

/** A check: the key's versionstamp must be this one (empty: the key must be absent). */
export interface WireCheck {
  key: Uint8Array;
  versionstamp: Uint8Array;
}

/** One mutation of an atomic write. */
export interface WireMutation {
  key: Uint8Array;
  value?: { data: Uint8Array; encoding: number };
  mutationType: number;
  /** 0: never expires. */
  expireAtMs: number;
  sumMin: Uint8Array;
  sumMax: Uint8Array;
}

/** An atomic write request. */
export interface WireWrite {
  checks: WireCheck[];
  mutations: WireMutation[];
  enqueues: unknown[];
}

const root = protobuf.parse(SCHEMA, { keepCase: false }).root;
const type = (name: string) => root.lookupType(`kvc.${name}`);
const types = {
  SnapshotRead: type("SnapshotRead"),
  SnapshotReadOutput: type("SnapshotReadOutput"),
  AtomicWrite: type("AtomicWrite"),
  AtomicWriteOutput: type("AtomicWriteOutput"),
  Watch: type("Watch"),
  WatchOutput: type("WatchOutput"),
};

// Every field present (empty bytes, 0, false, []), int64 as a JS number.
const PLAIN = { longs: Number, defaults: true, arrays: true } as const;

function decode<T>(name: keyof typeof types, bytes: Uint8Array): T {
  const t = types[name];
  return t.toObject(t.decode(bytes), PLAIN) as T;
}

// Copied out of protobufjs's pooled buffer into one of its own.
function encode(name: keyof typeof types, message: object): Bytes {
  const t = types[name];
  return new Uint8Array(t.encode(t.fromObject(message)).finish());
}

/** Decodes a `SnapshotRead` body; throws on bytes that are not one. */
export function decodeSnapshotRead(bytes: Uint8Array): { ranges: WireRange[] } {
  return decode("SnapshotRead", bytes);
}

/** Decodes an `AtomicWrite` body; throws on bytes that are not one. */
export function decodeAtomicWrite(bytes: Uint8Array): WireWrite {
  return decode("AtomicWrite", bytes);
}

/** Decodes a `Watch` body: the keys watched. */
export function decodeWatch(bytes: Uint8Array): Uint8Array[] {
  return decode<{ keys: { key: Uint8Array }[] }>("Watch", bytes).keys.map((
    k,
  ) => k.key);
}

/** Bytes on an ArrayBuffer of their own, as a Response body takes them. */
export type Bytes = Uint8Array<ArrayBuffer>;

/** Encodes a successful, strongly consistent `SnapshotReadOutput`. */
export function encodeReadOutput(ranges: WireEntry[][]): Bytes {
  return encode("SnapshotReadOutput", {
    ranges: ranges.map((values) => ({ values })),
    readIsStronglyConsistent: true,
    status: READ_SUCCESS,
  });
}

/** Encodes an `AtomicWriteOutput`. */
export function encodeWriteOutput(
  output: {
    status: number;
    versionstamp?: Uint8Array;
    failedChecks?: number[];
  },
): Bytes {
  return encode("AtomicWriteOutput", output);
}

/** Encodes a `WatchOutput` in which every key counts as changed (null: absent). */
export function encodeWatchOutput(entries: (WireEntry | null)[]): Bytes {
  return encode("WatchOutput", {
    status: READ_SUCCESS,
    keys: entries.map((entry) =>
      entry === null
        ? { changed: true }
        : { changed: true, entryIfChanged: entry }
    ),
  });
}
