import { PasswordHasher } from "./auth/password.ts";
import {
  LOGIN_FAILURES,
  LOGIN_FAILURES_PER_ADDRESS,
  RateLimiter,
  REGISTRATIONS,
} from "./auth/rate_limit.ts";
import { loadSigningKey } from "./auth/secret.ts";
import type { Config } from "./config.ts";
import { startSweeper } from "./files/sweeper.ts";
import { Thumbnailer } from "./files/thumbnailer.ts";
import { Hub } from "./realtime/hub.ts";
import { Presence } from "./realtime/presence.ts";
import { OnlinePeers, PEER_SETTLE_MS } from "./realtime/online_peers.ts";
import { listMembers } from "./db/members.ts";
import { closeDatabase, openDatabase, readerOf } from "./db/open.ts";
import { shareCommitTurns } from "./db/commit_turns.ts";
import { adoptInstanceOwner } from "./db/users.ts";
import type { SearchIndex } from "./db/search_backend.ts";
import { followSearchIndex, openSearchIndex } from "./db/search_open.ts";
import { Roster } from "./roster.ts";
import { within } from "./within.ts";
import type { ServerSocket } from "./realtime/server_socket.ts";
import { type Quotas, UserQuotas } from "./chat/user_limits.ts";
import { startDeliveries } from "./chat/outgoing_webhooks.ts";
import {
  ALONE,
  runsProcessJobs,
  shareOf,
  type WorkerPlace,
} from "./workers/place.ts";

/** The long-lived things a request may need: storage, settings, keys, open sockets. */
export interface Services {
  kv: Deno.Kv;
  config: Config;
  /** HS256 key for access tokens. */
  signingKey: Uint8Array;
  /** bcrypt on worker threads, so hashing never stalls sockets. */
  hasher: PasswordHasher;
  /** Failed logins per (address, username) and per address, and registrations per address. */
  limits: {
    loginFailures: RateLimiter;
    loginFailuresByAddress: RateLimiter;
    registrations: RateLimiter;
    /** Channels created per user (`--user-channels-per-hour`). */
    channelCreations: RateLimiter;
  };
  /** Per-user message and socket caps, counted once per process (over its workers). */
  quotas: Quotas;
  /** Which serving worker of the process this is (index 0 of 1 without `--workers`). */
  place: WorkerPlace;
  /** The one fan-out point for live events. */
  hub: Hub;
  /** Who has a socket open, on this instance or (with a relay) on another. */
  presence: Presence;
  /** Tells the other instances who is online here and hears theirs; null without a relay. */
  peers: OnlinePeers | null;
  /** Channel member lists held briefly, for the `ready` frames of sockets opening together. */
  roster: Roster;
  /** Open WebSockets with the token and user each was opened with; closed with 1001 at shutdown. */
  sockets: Map<ServerSocket, { jti: string; userId: string }>;
  /** Draws image thumbnails on a worker, so decoding never stalls the server. */
  thumbnailer: Thumbnailer;
  /** Stops the sweeper that deletes chunks of uploads that never finished. */
  stopSweeper: () => Promise<void>;
  /** The search index: FTS5 beside a local database file, else KV's own (see search_open.ts). */
  search: SearchIndex;
  /** Stops the follower that keeps the search index up with committed changes. */
  stopSearchFollower: () => Promise<void>;
}

// Uploads idle this long are abandoned: the client is gone or the process died.
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** Opens the KV store and everything built on it, as serving worker `place`. */
export async function openServices(
  config: Config,
  place: WorkerPlace = ALONE,
): Promise<Services> {
  // On Deno Deploy the project's KV opens, and --db / HEARTH_DB are ignored.
  const kv = await openDatabase(config.db, { readHandle: true });
  // Serving workers take turns committing to a channel instead of racing.
  if (place.commitTurns) shareCommitTurns(kv, place.commitTurns);
  try {
    // Instances sharing one KV (Deno Deploy isolates) relay events to each other.
    // Presence batches carry the channel's online count from the roster.
    const hub = new Hub({
      relay: config.relay,
      kvRelay: config.kvRelay ? kv : undefined,
      presence: {
        onlineCount: (id): number | undefined => roster.onlineCount(id),
      },
    });
    const relayed = Boolean(config.relay || config.kvRelay);
    const presence = new Presence({
      graceMs: config.offlineGraceMs,
      settleMs: relayed ? PEER_SETTLE_MS : 0,
    });
    // A member list is a thousand reads for a big channel: read through the
    // second handle, it does not wait behind a crowd's connects on the first
    // (a storm of 10,000 held every `ready` about 8 s behind that queue).
    const roster: Roster = new Roster(
      (id) => listMembers(readerOf(kv), id),
      hub,
      { presence },
    );
    await adoptInstanceOwner(kv);
    const search = await openSearchIndex(kv, config.db, config.searchIndex);
    const services: Services = {
      kv,
      config,
      signingKey: await loadSigningKey(kv, config.secret),
      // Workers split the bcrypt threads and queue of one process between them.
      hasher: new PasswordHasher({
        cost: config.passwordCost,
        workers: shareOf(2, place),
        maxQueued: shareOf(config.passwordQueueLimit, place),
      }),
      limits: {
        loginFailures: new RateLimiter(kv, LOGIN_FAILURES),
        loginFailuresByAddress: new RateLimiter(kv, LOGIN_FAILURES_PER_ADDRESS),
        registrations: new RateLimiter(kv, REGISTRATIONS),
        channelCreations: new RateLimiter(kv, {
          name: "channels_created",
          limit: config.userLimits.channelsPerHour,
          windowMs: 60 * 60 * 1000,
        }),
      },
      quotas: place.quotas ?? new UserQuotas(config.userLimits),
      place,
      hub,
      presence,
      peers: null,
      roster,
      sockets: new Map(),
      thumbnailer: new Thumbnailer(),
      stopSweeper: runsProcessJobs(place)
        ? startSweeper(kv, SWEEP_INTERVAL_MS)
        : () => Promise.resolve(),
      search,
      stopSearchFollower: followSearchIndex(
        kv,
        config.db,
        config.searchIndex,
        search,
      ),
    };
    // Online is the union over the instances the relay joins (started last:
    // it beats on a timer).
    if (relayed) {
      services.peers = new OnlinePeers(hub, presence, {
        kv: config.kvRelay ? kv : undefined,
        leaseMs: config.onlineLeaseMs,
      });
    }
    // Bots' outgoing webhooks ride on KV's queue; the listener ends with the store.
    startDeliveries(services);
    return services;
  } catch (error) {
    closeDatabase(kv);
    throw error;
  }
}

/** Closes every open socket with 1001 ("going away"), so shutdown is not held up. */
export function closeSockets(services: Services): void {
  for (const socket of services.sockets.keys()) {
    try {
      socket.close(1001, "Server shutting down");
    } catch {
      // Already closing: nothing more to do for this one.
    }
  }
  services.sockets.clear();
}

// How long a shutdown waits for its goodbye to reach the database.
const GOODBYE_WAIT_MS = 3000;

/** Closes sockets, the sweeper, the hashing workers and, last, the KV store. */
export async function closeServices(services: Services): Promise<void> {
  closeSockets(services);
  services.presence.close();
  // What was told to others (this instance's goodbye) still goes out by KV,
  // but not for ever: a database that stopped answering is retried without end
  // by KV Connect's client, and the peers' lease covers a goodbye not sent.
  await within(
    (async () => {
      await services.peers?.close();
      await services.hub.relaySettled();
    })().catch(() => {}),
    GOODBYE_WAIT_MS,
  );
  services.hub.close();
  await services.stopSweeper();
  await services.stopSearchFollower();
  services.search.close();
  services.hasher.close();
  services.thumbnailer.close();
  closeDatabase(services.kv);
}
