/**
 * Channel member lists held in memory for a few seconds.
 *
 * Every socket's `ready` frame counts its channel's members and lists those
 * online, and pages of members are cut from the same list. When many sockets
 * open at once (a server restart, a big channel coming back online), reading
 * the list from KV per socket costs one range read and a `getMany` per ten
 * members each time, and the churn of those reads leaves the allocator's heap
 * fragmented, which slows every later send. One read per channel serves them
 * all instead.
 *
 * A join or leave publishes a `member` event on the hub (relayed to other
 * instances too), which drops the channel's list at once; a changed display
 * name drops every list here, and other instances see it within `ttlMs`, or,
 * for a list whose read took long (10,000 members: about half a second of
 * CPU, and 8 s of waiting in a connect storm), within {@linkcode READ_SHARE}
 * times that read's time, at most {@linkcode MAX_HOLD_MS}: a list read again
 * every 5 s was read again while a storm's sockets were still waiting for it.
 *
 * Each list is held sorted by username, with the set of its members online
 * (on any instance, as `Presence` counts it), kept current as users come and
 * go, so a `ready` frame or a page of members costs what it sends rather than
 * a pass over the whole channel.
 */
import type { User } from "./db/users.ts";
import type { Hub } from "./realtime/hub.ts";
import type { Presence } from "./realtime/presence.ts";

/** How long a list is reused, and how many channels are remembered. */
export interface RosterOptions {
  ttlMs?: number;
  maxChannels?: number;
  /** Milliseconds on a monotonic clock; `performance.now` unless a test injects a fake one. */
  now?: () => number;
  /** Who is online (here or on a peer), and news of users coming and going. */
  presence?: Pick<Presence, "isOnline" | "onChange">;
}

/** A channel's members as held: sorted by username, and who of them is online. */
export interface RosterView {
  /** Every member, by username. */
  members: User[];
  /** Members by id. */
  byId: Map<string, User>;
  /** Ids of the members online. */
  online: Set<string>;
}

interface Entry {
  loadedAt: number;
  /** When the list is read again: `ttlMs` after `loadedAt`, longer for a slow read. */
  expiresAt: number;
  view: Promise<RosterView>;
  // The view once loaded, for presence changes and counts.
  loaded?: RosterView;
  unsubscribe(): void;
}

const DEFAULT_TTL_MS = 5_000;
const DEFAULT_MAX_CHANNELS = 256;

/** A list is held for at least this many times as long as reading it took. */
export const READ_SHARE = 20;

/** The longest a list is held, however long its read took (ms). */
export const MAX_HOLD_MS = 30_000;

/** Recently read member lists, one per channel, dropped when membership changes. */
export class Roster {
  #load: (channelId: string) => Promise<User[]>;
  #hub: Hub;
  #ttlMs: number;
  #maxChannels: number;
  #now: () => number;
  #entries = new Map<string, Entry>();
  #isOnline: (userId: string) => boolean;

  /** `load` reads a channel's members from storage; `hub` tells of joins and leaves. */
  constructor(
    load: (channelId: string) => Promise<User[]>,
    hub: Hub,
    opts: RosterOptions = {},
  ) {
    this.#load = load;
    this.#hub = hub;
    this.#ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.#maxChannels = opts.maxChannels ?? DEFAULT_MAX_CHANNELS;
    this.#now = opts.now ?? (() => performance.now());
    this.#isOnline = (id) => opts.presence?.isOnline(id) ?? false;
    // A changed user record (names, status, avatar, role), announced here or
    // by another instance, drops every list: the next read shows it. The hub
    // tells its own announcements at once, before the announcer answers.
    hub.onControl((message) => {
      if (message.type === "user") this.forget();
    });
    // At most `maxChannels` lists: a check per held list per change.
    opts.presence?.onChange((userId, online) => {
      for (const { loaded } of this.#entries.values()) {
        if (!loaded?.byId.has(userId)) continue;
        if (online) loaded.online.add(userId);
        else loaded.online.delete(userId);
      }
    });
  }

  /** The channel's members, read at most once per `ttlMs` (longer after a slow read) and per membership change. */
  async members(channelId: string): Promise<User[]> {
    return (await this.view(channelId)).members;
  }

  /** Members online in a list held now, or undefined when none is. */
  onlineCount(channelId: string): number | undefined {
    return this.#entries.get(channelId)?.loaded?.online.size;
  }

  /** The channel's list if one is loaded and not due for a new read (no read), else undefined. */
  held(channelId: string): RosterView | undefined {
    const entry = this.#entries.get(channelId);
    if (!entry || this.#now() >= entry.expiresAt) return undefined;
    return entry.loaded;
  }

  /** The channel's members sorted, with who is online, read as `members` is. */
  view(channelId: string): Promise<RosterView> {
    // Entries sit in the Map in the order they were read, so the stale ones
    // are at the front: dropping them here keeps idle channels from holding
    // their lists (and hub subscriptions) until the cap pushes them out.
    const now = this.#now();
    for (const [id, entry] of this.#entries) {
      if (now - entry.loadedAt < this.#ttlMs) break;
      // A list that was slow to read is held longer (see the module doc), and
      // one still being read is the newest there is: a second read of it
      // would double the work and the wait (in a connect storm the first
      // read of 10,000 members took 8 s, and a second began at 5 s). A read
      // that has not answered in MAX_HOLD_MS is given up.
      const reading = entry.loaded === undefined &&
        now - entry.loadedAt < MAX_HOLD_MS;
      if (now < entry.expiresAt || reading) continue;
      this.#drop(id, entry);
    }
    const cached = this.#entries.get(channelId);
    if (cached) return cached.view;
    // Subscribed before reading, so a join committed during the read drops it.
    const entry: Entry = {
      loadedAt: now,
      expiresAt: now + this.#ttlMs,
      view: Promise.resolve(emptyView()),
      unsubscribe: this.#hub.subscribe(channelId, (event) => {
        if (event.kind === "member") this.#drop(channelId, entry);
      }),
    };
    entry.view = this.#load(channelId).then((members) => {
      members = members.toSorted(byUsername);
      const took = this.#now() - now;
      entry.expiresAt = now +
        Math.max(this.#ttlMs, Math.min(MAX_HOLD_MS, took * READ_SHARE));
      const view: RosterView = {
        members,
        byId: new Map(members.map((m) => [m.id, m])),
        online: new Set(
          members.flatMap((m) => this.#isOnline(m.id) ? [m.id] : []),
        ),
      };
      entry.loaded = view;
      return view;
    });
    // A failed read is not remembered; its callers see the error.
    entry.view.catch(() => this.#drop(channelId, entry));
    this.#entries.set(channelId, entry);
    if (this.#entries.size > this.#maxChannels) {
      const [oldest, old] = this.#entries.entries().next().value!;
      this.#drop(oldest, old);
    }
    return entry.view;
  }

  /** Drops every list, so the next read sees a renamed member at once. */
  forget(): void {
    for (const [channelId, entry] of this.#entries) {
      this.#drop(channelId, entry);
    }
  }

  /** Number of channels whose list is held, for tests. */
  get size(): number {
    return this.#entries.size;
  }

  #drop(channelId: string, entry: Entry): void {
    if (this.#entries.get(channelId) !== entry) return;
    this.#entries.delete(channelId);
    entry.unsubscribe();
  }
}

/** Orders members by username, as pages of members list them. */
export function byUsername(a: { username: string }, b: { username: string }) {
  return a.username < b.username ? -1 : a.username > b.username ? 1 : 0;
}

function emptyView(): RosterView {
  return { members: [], byId: new Map(), online: new Set() };
}
