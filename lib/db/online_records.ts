/**
 * Who is online on each running instance, as each instance last wrote it, for
 * the others to read back (`online_peers.ts`). Per instance:
 * - a head (`online_heads`): its beat, rewritten every heartbeat with a short
 *   expiry (a head whose beat stops moving belongs to a dead instance), the
 *   last change batch it had sent when its parts were written, and the
 *   generation of each part;
 * - its users, spread over parts by a hash of the id (`online_users`), written
 *   only when the writer asks for them (rarely: its changes travel as batches
 *   through the relay, see `online_peers.ts`), and then only the parts whose
 *   users changed (or whose expiry is due). An instance with 10,000 users
 *   online and a few changes writes its small head and a few parts of about
 *   8 KB, not the whole list.
 * Readers list the heads and fetch only the parts whose generation moved.
 */
import {
  allOnlineHeadsPrefix,
  onlineHeadKey,
  onlinePartKey,
  onlinePartsPrefix,
} from "./_keys.ts";

/** Users per part at most on average (parts double as the list grows): about 8 KB of ids. */
export const PART_USERS = 200;

// Parts live this long unless rewritten; each is renewed at half of it.
const PART_TTL_MS = 30 * 60 * 1000;
// Parts written per commit: at most about 400 KB, under KV's 800 KiB.
const PARTS_PER_COMMIT = 25;
// Keys per `getMany`.
const GET_MANY = 10;

/** An instance's online users, as read back. */
export interface OnlineRecord {
  /** The last change batch the instance had sent when it wrote the users. */
  seq: number;
  /** Counts the instance's beats: it moves while the instance lives. */
  beat: number;
  /** Wall-clock ms of the head's write. */
  at: number;
  /** Users with a socket there (or in their grace period), as of `seq`. */
  users: string[];
}

/** What an instance's head holds. */
interface OnlineHead {
  seq: number;
  beat: number;
  at: number;
  /** Per part, the beat that last wrote it. */
  gens: number[];
}

/** One part of an instance's users. */
interface OnlinePart {
  gen: number;
  users: string[];
}

/** Writes one instance's head every beat, and the parts whose users changed. */
export class OnlineRecordWriter {
  #kv: Deno.Kv;
  #instance: string;
  #headTtlMs: number;
  // Per part, what was last written: its users joined, its gen, and when.
  #written: { text: string; gen: number; at: number }[] = [];
  // The change batch the parts were written at.
  #seq = 0;

  /** A writer for `instance`, whose head expires `headTtlMs` after each beat. */
  constructor(kv: Deno.Kv, instance: string, headTtlMs: number) {
    this.#kv = kv;
    this.#instance = instance;
    this.#headTtlMs = headTtlMs;
  }

  /**
   * Writes the head, and with `withUsers` the parts whose users changed (the
   * first write, and the first after a failed one, always has them; `users`
   * is asked only then); answers how many parts were written.
   */
  async write(
    record: { seq: number; beat: number; users: () => string[] },
    withUsers = true,
  ): Promise<number> {
    if (!withUsers && this.#written.length > 0) {
      await this.#writeHead(record.beat, this.#written);
      return 0;
    }
    const users = record.users();
    const count = partCount(users.length);
    const split: string[][] = Array.from({ length: count }, () => []);
    for (const id of users) split[partOf(id, count)].push(id);
    const now = Date.now();
    const written = split.map((users) => ({
      text: users.sort().join(","),
      gen: record.beat,
      at: now,
    }));
    const dirty: number[] = [];
    written.forEach((part, i) => {
      const before = this.#written[i];
      if (
        before && before.text === part.text && now - before.at < PART_TTL_MS / 2
      ) written[i] = before;
      else dirty.push(i);
    });
    const head: OnlineHead = {
      seq: record.seq,
      beat: record.beat,
      at: now,
      gens: written.map((part) => part.gen),
    };
    this.#seq = record.seq;
    try {
      // Parts before the head: a reader that sees the new head finds its
      // parts, or (between commits) a generation it waits for.
      let op = this.#kv.atomic();
      for (let i = count; i < this.#written.length; i++) {
        op.delete(onlinePartKey(this.#instance, i));
      }
      for (const [n, i] of dirty.entries()) {
        if (n > 0 && n % PARTS_PER_COMMIT === 0) {
          await op.commit();
          op = this.#kv.atomic();
        }
        const part: OnlinePart = { gen: record.beat, users: split[i] };
        op.set(onlinePartKey(this.#instance, i), part, {
          expireIn: PART_TTL_MS,
        });
      }
      op.set(onlineHeadKey(this.#instance), head, {
        expireIn: this.#headTtlMs,
      });
      await op.commit();
    } catch (error) {
      // Unknown what landed: everything is written again next time.
      this.#written = [];
      throw error;
    }
    this.#written = written;
    return dirty.length;
  }

  async #writeHead(
    beat: number,
    written: { gen: number }[],
  ): Promise<void> {
    const head: OnlineHead = {
      seq: this.#seq,
      beat,
      at: Date.now(),
      gens: written.map((part) => part.gen),
    };
    await this.#kv.set(onlineHeadKey(this.#instance), head, {
      expireIn: this.#headTtlMs,
    });
  }

  /** Deletes the head and every part (the instance is shutting down). */
  async delete(): Promise<void> {
    const op = this.#kv.atomic().delete(onlineHeadKey(this.#instance));
    for await (
      const row of this.#kv.list({ prefix: onlinePartsPrefix(this.#instance) })
    ) op.delete(row.key);
    await op.commit();
    this.#written = [];
  }
}

/** Reads every instance's record, fetching only the parts that changed since its last read. */
export class OnlineRecordReader {
  #kv: Deno.Kv;
  #held = new Map<string, { gens: number[]; parts: string[][] }>();

  /** A reader of the records in `kv`. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /**
   * Every instance's record, by instance id. One caught between the commits
   * of a write in several parts is left out this time.
   */
  async read(): Promise<Map<string, OnlineRecord>> {
    const heads = new Map<string, OnlineHead>();
    for await (
      const row of this.#kv.list<OnlineHead>({ prefix: allOnlineHeadsPrefix })
    ) {
      if (typeof row.key[1] === "string") heads.set(row.key[1], row.value);
    }
    for (const instance of this.#held.keys()) {
      if (!heads.has(instance)) this.#held.delete(instance);
    }
    const records = new Map<string, OnlineRecord>();
    await Promise.all(
      [...heads].map(async ([instance, head]) => {
        const parts = await this.#parts(instance, head);
        if (!parts) return;
        records.set(instance, {
          seq: head.seq,
          beat: head.beat,
          at: head.at,
          users: parts.flat(),
        });
      }),
    );
    return records;
  }

  // The instance's parts as its head names them, or null if one is not
  // (yet) at its generation.
  async #parts(
    instance: string,
    head: OnlineHead,
  ): Promise<string[][] | null> {
    const held = this.#held.get(instance);
    const parts = head.gens.map((gen, i) =>
      held?.gens[i] === gen ? held.parts[i] : null
    );
    const wanted = parts.flatMap((part, i) => part === null ? [i] : []);
    for (let from = 0; from < wanted.length; from += GET_MANY) {
      const batch = wanted.slice(from, from + GET_MANY);
      const rows = await this.#kv.getMany<OnlinePart[]>(
        batch.map((i) => onlinePartKey(instance, i)),
      );
      for (const [n, i] of batch.entries()) {
        const part = rows[n].value;
        if (part?.gen !== head.gens[i]) return null;
        parts[i] = part.users;
      }
    }
    const whole = parts as string[][];
    this.#held.set(instance, { gens: head.gens, parts: whole });
    return whole;
  }
}

// Parts for `users` users: a power of two, so the count (and with it every
// part's users) changes only when the list doubles or halves.
function partCount(users: number): number {
  let count = 1;
  while (count * PART_USERS < users) count *= 2;
  return count;
}

// A user's part: FNV-1a of the id.
function partOf(id: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0) % count;
}
