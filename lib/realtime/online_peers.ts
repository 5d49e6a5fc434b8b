/**
 * Who is online on the other instances, so that counts, lists and presence
 * frames show the union (a user with a socket anywhere is online everywhere).
 *
 * Each instance reports the users online on it (`Presence.localUsers`: a
 * socket there, or in the grace period) two ways, both per instance and not
 * per channel or socket:
 * - changes, gathered for {@linkcode ONLINE_WINDOW_MS} and sent as one
 *   numbered `online` control message through the hub's relay (the
 *   BroadcastChannel and/or the KV control stream), so a crowd connecting
 *   costs one relay write per window, not one per connect;
 * - a beat every third of the lease, which keeps the instance alive in the
 *   others' eyes and carries the whole set: with the KV relay as a record in
 *   KV (`online_records.ts`: a small head every beat, the users' parts that
 *   changed only every {@linkcode USERS_EVERY_BEATS} beats, or soon after a
 *   newcomer's `hello` or a gap in the batches heard asks for them), which
 *   every instance reads back; with the BroadcastChannel alone as an
 *   `online` message with `all`, every beat and in answer to a `hello`.
 *
 * An instance whose beat stops moving (killed, evicted) counts no more once
 * `leaseMs` passes without news of it; one that shuts down says `gone`. A
 * user online on several instances is counted once (`Presence` holds a set),
 * and goes offline when the last instance drops them.
 */
import { errorFields, log } from "../log.ts";
import {
  type OnlineRecord,
  OnlineRecordReader,
  OnlineRecordWriter,
} from "../db/online_records.ts";
import type { ControlMessage, Hub } from "./hub.ts";
import type { Presence } from "./presence.ts";
import { PeerTally } from "./_peer_tally.ts";

/** How long changes here are gathered before the peers hear them. */
export const ONLINE_WINDOW_MS = 250;

/**
 * How long an instance counts after its last beat was noticed: a dead one's
 * users go offline within this, two beats (a third of it each: one to notice
 * the last beat, one to check) and the settle: 26 s by default.
 */
export const ONLINE_LEASE_MS = 15_000;

/**
 * How long a user online nowhere is still counted, while news of a socket on
 * another instance may be on its way: a few windows and the relay's delay.
 */
export const PEER_SETTLE_MS = 1000;

/** With KV, the users' parts are written every this many beats (if changed) unless asked for sooner. */
export const USERS_EVERY_BEATS = 12;

// A newcomer reads the records again this soon, once the others have
// answered its hello by writing theirs.
const EARLY_READ_MS = 1000;

// The most ids one message carries: 800 ids of 36 characters stay well under
// the KV relay's entry size.
const IDS_PER_MESSAGE = 800;

type OnlineMessage = Extract<ControlMessage, { type: "online" }>;

/** Options for {@linkcode OnlinePeers}. */
export interface OnlinePeersOptions {
  /** The shared database: beats are records there. Without it they go over the relay. */
  kv?: Deno.Kv;
  /** How long changes are gathered; {@linkcode ONLINE_WINDOW_MS} by default. */
  windowMs?: number;
  /** How long a silent instance still counts; {@linkcode ONLINE_LEASE_MS} by default. */
  leaseMs?: number;
  /** Milliseconds on a monotonic clock; `performance.now` by default. */
  now?: () => number;
}

/** Tells the other instances who is online here, and tells `presence` who is online there. */
export class OnlinePeers {
  /** This instance's id among its peers. */
  readonly id: string = crypto.randomUUID();
  #hub: Hub;
  #presence: Presence;
  #kv: Deno.Kv | undefined;
  #writer: OnlineRecordWriter | undefined;
  #reader: OnlineRecordReader | undefined;
  #windowMs: number;
  #leaseMs: number;
  #now: () => number;
  #seq = 0;
  #beat = 0;
  #pending = new Map<string, boolean>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #beatTimer: ReturnType<typeof setInterval>;
  #soonTimer: ReturnType<typeof setTimeout> | undefined;
  // The next beat writes the users' parts (a hello asked for them).
  #usersWanted = true;
  // The next beat asks the others for theirs (a batch was missed).
  #askRecords = false;
  #beating: Promise<void> = Promise.resolve();
  #tally: PeerTally;
  #stops: (() => void)[];
  #closed = false;

  /** Starts reporting `presence`'s local users through `hub`, and hearing the peers'. */
  constructor(hub: Hub, presence: Presence, opts: OnlinePeersOptions = {}) {
    this.#hub = hub;
    this.#presence = presence;
    this.#kv = opts.kv;
    this.#windowMs = opts.windowMs ?? ONLINE_WINDOW_MS;
    this.#leaseMs = opts.leaseMs ?? ONLINE_LEASE_MS;
    this.#now = opts.now ?? (() => performance.now());
    this.#tally = new PeerTally(
      (userId, online) => presence.setRemote(userId, online),
      this.#now,
    );
    if (opts.kv) {
      // Readers judge liveness by the beat; the head's expiry only clears up.
      this.#writer = new OnlineRecordWriter(
        opts.kv,
        this.id,
        this.#leaseMs * 2,
      );
      this.#reader = new OnlineRecordReader(opts.kv);
    }
    this.#stops = [
      presence.onLocalChange((userId, online) => this.#queue(userId, online)),
      hub.onControl((message) => {
        if (message.type === "online" && message.from !== this.id) {
          this.#hear(message);
        }
      }),
    ];
    this.#beatTimer = setInterval(
      () => this.#beatOnce(),
      Math.max(1, Math.floor(this.#leaseMs / 3)),
    );
    this.#send({ hello: true });
    this.#beatOnce();
    if (this.#kv) this.#beatSoon(EARLY_READ_MS);
  }

  /** Instances heard from and still counted, for tests and metrics. */
  get peerCount(): number {
    return this.#tally.size;
  }

  /** Resolves once the beat under way (record written, records read) is done. */
  beaten(): Promise<void> {
    return this.#beating;
  }

  /** Stops, telling the peers to forget this instance's users (and deleting its record). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#flushTimer);
    clearTimeout(this.#soonTimer);
    clearInterval(this.#beatTimer);
    for (const stop of this.#stops) stop();
    this.#send({ gone: true });
    await this.#beating;
    if (!this.#writer) return;
    try {
      await this.#writer.delete();
    } catch (err) {
      // Its beat stops: the peers drop it when the lease ends.
      log("warn", "online record not deleted", errorFields(err));
    }
  }

  #queue(userId: string, online: boolean): void {
    if (this.#closed) return;
    this.#pending.set(userId, online);
    this.#flushTimer ??= setTimeout(() => this.#flush(), this.#windowMs);
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const on: string[] = [];
    const off: string[] = [];
    for (const [userId, online] of this.#pending) {
      (online ? on : off).push(userId);
    }
    this.#pending.clear();
    while (on.length > 0 || off.length > 0) {
      const taken = on.splice(0, IDS_PER_MESSAGE);
      const rest = IDS_PER_MESSAGE - taken.length;
      const gone = rest > 0 ? off.splice(0, rest) : [];
      this.#send({
        ...(taken.length ? { on: taken } : {}),
        ...(gone.length ? { off: gone } : {}),
      });
    }
  }

  #send(fields: Omit<OnlineMessage, "type" | "from" | "seq">): void {
    // A hello or a goodbye changes nothing of the set: it takes no number.
    const seq = fields.hello || fields.gone ? this.#seq : ++this.#seq;
    this.#hub.announce({ type: "online", from: this.id, seq, ...fields });
  }

  // An extra beat, once, `ms` from now (a newcomer's hello, its early read).
  #beatSoon(ms: number): void {
    if (this.#soonTimer !== undefined || this.#closed) return;
    this.#soonTimer = setTimeout(() => {
      this.#soonTimer = undefined;
      this.#beatOnce();
    }, ms);
  }

  // One beat at a time: a slow KV makes the next one wait, never overlap.
  #beatOnce(): void {
    this.#beating = this.#beating.then(() => this.#runBeat()).catch((err) =>
      log("warn", "online beat failed", errorFields(err))
    );
  }

  async #runBeat(): Promise<void> {
    if (this.#closed) return;
    this.#beat++;
    this.#tally.expire(this.#leaseMs);
    if (!this.#writer || !this.#reader) {
      this.#send({ all: this.#presence.localUsers() });
      return;
    }
    const withUsers = this.#usersWanted ||
      this.#beat % USERS_EVERY_BEATS === 0;
    this.#usersWanted = false;
    if (this.#askRecords) {
      this.#askRecords = false;
      this.#send({ hello: true });
    }
    await this.#writer.write({
      seq: this.#seq,
      beat: this.#beat,
      users: () => this.#presence.localUsers(),
    }, withUsers);
    const records = await this.#reader.read();
    if (this.#closed) return;
    for (const [instance, record] of records) {
      if (instance !== this.id) this.#record(instance, record);
    }
  }

  // A record read from KV: its beat moving says the instance lives.
  #record(instance: string, record: OnlineRecord): void {
    // A record first seen, left by an instance that died before its expiry ran.
    const known = this.#tally.get(instance);
    if (!known && Date.now() - record.at > this.#leaseMs) return;
    const peer = known ?? this.#tally.peer(instance);
    if (!peer) return;
    if (record.beat !== peer.beat) {
      peer.beat = record.beat;
      peer.heardAt = this.#now();
    }
    // Older than the changes heard since: they are newer news.
    if (record.seq < peer.seq) return;
    peer.seq = record.seq;
    this.#tally.replace(peer, record.users);
  }

  #hear(message: OnlineMessage): void {
    if (this.#closed) return;
    if (message.gone) {
      this.#tally.gone(message.from);
      return;
    }
    const peer = this.#tally.peer(message.from);
    if (!peer) return;
    peer.heardAt = this.#now();
    // A newcomer learns the set of each instance at once: sent now without
    // KV, written to the records soon with it.
    if (message.hello) {
      if (!this.#kv) this.#send({ all: this.#presence.localUsers() });
      else {
        this.#usersWanted = true;
        this.#beatSoon(this.#windowMs);
      }
    }
    if (message.all) {
      if (message.seq < peer.seq) return;
      peer.seq = message.seq;
      this.#tally.replace(peer, message.all);
      return;
    }
    if (message.on === undefined && message.off === undefined) return;
    // A batch heard late (over the slower relay) is older than what was heard.
    if (message.seq <= peer.seq) return;
    // One missed (a relay write that failed): the records will repair it.
    if (this.#kv && peer.seq > 0 && message.seq > peer.seq + 1) {
      this.#askRecords = true;
    }
    peer.seq = message.seq;
    this.#tally.apply(peer, message.on ?? [], message.off ?? []);
  }
}
