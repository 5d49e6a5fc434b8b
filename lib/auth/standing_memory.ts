/**
 * A token's standing in one channel (not revoked, its user there and not
 * banned, a member of the channel, the channel's history stamp), kept in
 * memory for a moment so a burst of page reads pays one KV read instead of
 * one each. Only standings that let the request through are kept.
 *
 * Exact on this instance: everything that can change a kept standing is
 * announced on the hub at once after its commit and before its answer, and
 * drops what it touches here: a sign-out or password change (`revoked`, the
 * token), a ban (`banned`, the user), a member leaving, joining or removed
 * (`member`), the channel changed or deleted (`channel`) and any message
 * stored or changed (`message`, `update`: the history stamp moved) drop that
 * channel's standings. A read still in flight when one of them is announced
 * is not kept.
 *
 * Bounded across instances: another instance's change arrives through the
 * relay when it carries that channel's events here (always through
 * `BroadcastChannel`; over KV only for channels with sockets here), and in any
 * case a kept standing is read again after {@linkcode STANDING_TTL_MS}. A ban,
 * sign-out or leave made elsewhere therefore stops a reader here within that
 * time at most, and a page here shows a message posted elsewhere within it.
 */
import { readTokenStanding, type TokenStanding } from "../db/sessions.ts";
import type { Services } from "../services.ts";

/** How long a kept standing is used at most, in ms: the bound across instances. */
export const STANDING_TTL_MS = 1000;

/** Most standings kept; the oldest goes first. */
export const STANDING_MAX = 10_000;

/** Bounds of one memory (tests shorten them or pass a clock). */
export interface StandingMemoryOptions {
  ttlMs?: number;
  max?: number;
  /** Milliseconds on a monotonic clock. */
  now?: () => number;
}

interface Entry {
  readAt: number;
  standing: Promise<TokenStanding>;
  groups: readonly string[];
}

/** Kept standings of one database, told of changes by one hub. */
export class StandingMemory {
  #kv: Deno.Kv;
  #ttlMs: number;
  #max: number;
  #now: () => number;
  #entries = new Map<string, Entry>();
  // Keys of the entries by token, user and channel, for dropping each group.
  #groups = new Map<string, Set<string>>();

  /** A memory reading `services.kv`, told of changes by `services.hub`. */
  constructor(
    services: Pick<Services, "kv" | "hub">,
    opts: StandingMemoryOptions = {},
  ) {
    this.#kv = services.kv;
    this.#ttlMs = opts.ttlMs ?? STANDING_TTL_MS;
    this.#max = opts.max ?? STANDING_MAX;
    this.#now = opts.now ?? (() => performance.now());
    // Both live as long as the hub: its listeners end when it closes.
    services.hub.onControl((message) => {
      if (message.type === "revoked") this.#drop(`t ${message.jti}`);
      else if (message.type === "banned") this.#drop(`u ${message.userId}`);
    });
    services.hub.onEveryEvent((channelId, event) => {
      if (event.kind !== "typing") this.#drop(`c ${channelId}`);
    });
  }

  /**
   * `readTokenStanding` of the token `jti` of `userId` with its membership
   * of `channelId`, from memory while kept (see the module's note).
   */
  read(
    userId: string,
    jti: string,
    channelId: string,
  ): Promise<TokenStanding> {
    const key = `${jti} ${channelId}`;
    const now = this.#now();
    const kept = this.#entries.get(key);
    if (kept !== undefined) {
      if (now - kept.readAt < this.#ttlMs) return kept.standing;
      this.#forget(key);
    }
    const entry: Entry = {
      readAt: now,
      standing: readTokenStanding(this.#kv, userId, jti, channelId),
      groups: [`t ${jti}`, `u ${userId}`, `c ${channelId}`],
    };
    this.#keep(key, entry);
    // Runs before the caller's own `await`: a refusal is never reused.
    entry.standing.then(
      (standing) => {
        if (!admits(standing)) this.#forgetIf(key, entry);
      },
      () => this.#forgetIf(key, entry),
    );
    return entry.standing;
  }

  /** Number of standings kept, for tests. */
  get size(): number {
    return this.#entries.size;
  }

  #keep(key: string, entry: Entry): void {
    this.#entries.set(key, entry);
    for (const group of entry.groups) {
      let keys = this.#groups.get(group);
      if (keys === undefined) this.#groups.set(group, keys = new Set());
      keys.add(key);
    }
    if (this.#entries.size > this.#max) {
      this.#forget(this.#entries.keys().next().value!);
    }
  }

  #forgetIf(key: string, entry: Entry): void {
    if (this.#entries.get(key) === entry) this.#forget(key);
  }

  #forget(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    for (const group of entry.groups) {
      const keys = this.#groups.get(group);
      keys?.delete(key);
      if (keys?.size === 0) this.#groups.delete(group);
    }
  }

  #drop(group: string): void {
    const keys = this.#groups.get(group);
    if (keys === undefined) return;
    for (const key of [...keys]) this.#forget(key);
  }
}

// Only a standing that lets the request through is worth keeping.
function admits(standing: TokenStanding): boolean {
  const { revoked, record, membership } = standing;
  return !revoked && record !== null && !record.ban &&
    membership?.channel != null && membership.joinedAt !== null;
}

const memories = new WeakMap<Services, StandingMemory>();

/** The standing memory of `services`, made on first use. */
export function standingMemoryOf(services: Services): StandingMemory {
  let memory = memories.get(services);
  if (memory === undefined) {
    memory = new StandingMemory(services);
    memories.set(services, memory);
  }
  return memory;
}
