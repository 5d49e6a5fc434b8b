/**
 * A token's standing in one channel (not revoked, its user there and not
 * banned, a member of the channel) and the channel's history stamp, kept in
 * memory for a moment so a burst of page reads or posts pays one KV read
 * instead of one each. Only standings that let the request through are kept.
 *
 * Exact on this instance: everything that can change a kept standing is
 * announced on the hub at once after its commit and before its answer, and
 * drops what it touches here: a sign-out or password change (`revoked`, the
 * token), a ban (`banned`) or a change of the user's record (`user`: role,
 * display name, status, avatar) drop the user's, a member leaving, joining or
 * removed (`member`) and the channel changed or deleted (`channel`) drop the
 * channel's. A message stored or changed (`message`, `update`) moves only the
 * history stamp: the channel's standings stay, but their stamp is no longer
 * given out, so a page reads them again and a post (which needs no stamp)
 * takes them without it. A read still in flight when one of these is
 * announced is not kept (or, for a message, keeps no stamp).
 *
 * Bounded across instances: another instance's change arrives through the
 * relay when it carries that channel's events here (always through
 * `BroadcastChannel`; over KV only for channels with sockets here; control
 * messages always), and in any case a kept standing is read again after
 * {@linkcode STANDING_TTL_MS}. A ban, sign-out, role change or leave made
 * elsewhere therefore stops a reader or poster here within that time at
 * most, and a page here shows a message posted elsewhere within it.
 */
import { readTokenStanding, type TokenStanding } from "../db/sessions.ts";
import type { Services } from "../services.ts";

/** How long a kept standing is used at most, in ms: the bound across instances. */
export const STANDING_TTL_MS = 1000;

/** Most standings kept; the oldest goes first. */
export const STANDING_MAX = 10_000;

/**
 * What a caller takes from a kept standing: `history` (a page) needs the
 * channel's current history stamp with it; `standing` (a post) does not, and
 * is given none once a message moved it.
 */
export type StandingNeed = "history" | "standing";

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
  channelId: string;
  /** The channel's stamp turn when read: the stamp is current while it is unchanged. */
  turn: number;
  /** The standing without its stamp, made once the stamp moved. */
  unstamped?: Promise<TokenStanding>;
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
  // Messages stored in each channel with kept standings, while it has any.
  #turns = new Map<string, number>();

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
      else if (message.type === "banned" || message.type === "user") {
        this.#drop(`u ${message.userId}`);
      }
    });
    services.hub.onEveryEvent((channelId, event) => {
      if (event.kind === "message" || event.kind === "update") {
        this.#moveStamp(channelId);
      } else if (event.kind !== "typing" && event.kind !== "face") {
        // A new face changes one user's record, whose standings the `user`
        // news above already dropped; the channel's others stand as they were.
        this.#drop(`c ${channelId}`);
      }
    });
  }

  /**
   * `readTokenStanding` of the token `jti` of `userId` with its membership
   * of `channelId`, from memory while kept (see the module's note); for
   * `standing`, a kept one whose history stamp moved comes without a stamp
   * (`historyStamp` undefined) instead of being read again.
   */
  read(
    userId: string,
    jti: string,
    channelId: string,
    need: StandingNeed = "history",
  ): Promise<TokenStanding> {
    const key = `${jti} ${channelId}`;
    const now = this.#now();
    const kept = this.#entries.get(key);
    if (kept !== undefined) {
      const current = kept.turn === (this.#turns.get(channelId) ?? 0);
      if (now - kept.readAt < this.#ttlMs) {
        if (current) return kept.standing;
        if (need === "standing") {
          return kept.unstamped ??= kept.standing.then(withoutStamp);
        }
      }
      this.#forget(key);
    }
    const entry: Entry = {
      readAt: now,
      standing: readTokenStanding(this.#kv, userId, jti, channelId),
      channelId,
      turn: this.#turns.get(channelId) ?? 0,
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
    if (!this.#groups.has(`c ${entry.channelId}`)) {
      this.#turns.delete(entry.channelId);
    }
  }

  // A message moved the channel's history stamp: no kept one is current.
  // Counted only while standings of the channel are kept.
  #moveStamp(channelId: string): void {
    if (!this.#groups.has(`c ${channelId}`)) return;
    this.#turns.set(channelId, (this.#turns.get(channelId) ?? 0) + 1);
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

// A standing whose history stamp is no longer known (see `Membership`).
function withoutStamp(standing: TokenStanding): TokenStanding {
  const { membership } = standing;
  if (membership === undefined) return standing;
  return {
    ...standing,
    membership: { ...membership, historyStamp: undefined },
  };
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
