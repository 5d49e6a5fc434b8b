/**
 * Presence news from the other instances, told to this instance's sockets:
 * a user whom a peer's report brought online or took offline (the union in
 * `Presence` changed) gets a presence event in each channel here they are in.
 * A user's own connects and disconnects here are announced by `sockets.ts`.
 *
 * Which channels: when this instance listens to a few channels only (the
 * common case of one big channel) and the roster holds their member lists
 * (as it does while sockets open, for `ready`), those lists answer, so a
 * crowd coming online elsewhere costs no read per user here; otherwise the
 * user's channel list is read (one KV list per change).
 */
import { listUserChannelIds } from "../db/channels.ts";
import { log } from "../log.ts";
import { presenceEvent } from "../realtime/hub.ts";
import type { Services } from "../services.ts";

/** Up to this many channels listened to here, membership is looked up in their held lists. */
export const FEW_CHANNELS = 16;

const hearing = new WeakSet<Services>();

/** From now on (once per Services), announces here what news from peers changed. */
export function listenForPeers(services: Services): void {
  if (!services.peers || hearing.has(services)) return;
  hearing.add(services);
  services.presence.onRemoteChange((userId, online) => {
    // Nobody here to tell: nothing to read.
    if (services.sockets.size > 0) void announce(services, userId, online);
  });
}

async function announce(
  services: Services,
  userId: string,
  online: boolean,
): Promise<void> {
  try {
    const event = presenceEvent([{ userId, online }]);
    for (const id of await channelsToTell(services, userId)) {
      services.hub.publishHere(id, event);
    }
  } catch (error) {
    // KV closes during shutdown; a lost presence notice then is harmless.
    log("debug", "peer presence not announced", {
      userId,
      error: String(error),
    });
  }
}

/** The channels to tell of `userId` here: those listened to here that they are in (or all theirs). */
export async function channelsToTell(
  services: Pick<Services, "hub" | "roster" | "kv">,
  userId: string,
): Promise<string[]> {
  const here = services.hub.channelIds();
  if (here.length <= FEW_CHANNELS) {
    const views = here.map((id) => services.roster.held(id));
    if (views.every((view) => view !== undefined)) {
      return here.filter((_, i) => views[i]!.byId.has(userId));
    }
  }
  return await listUserChannelIds(services.kv, userId);
}
