/**
 * A member's new face (display name, avatar, role, status) told live to the
 * sockets here of every channel they are in, as `member_updated` frames, so
 * open member lists and the log's avatars change without a reload.
 *
 * Every change of a user record is announced on the hub (`{type: "user"}`,
 * heard by every instance, this one included); each instance reads the record
 * once and tells its own sockets, so no new event needs relaying.
 */
import { getUserRecord, toPublicUser } from "../db/users.ts";
import { log } from "../log.ts";
import { memberFaceEvent } from "../realtime/hub.ts";
import type { Services } from "../services.ts";
import { memberFace } from "./membership.ts";
import { channelsToTell } from "./peer_presence.ts";

/**
 * Tells every instance, this one at once, that `userId`'s record changed
 * (names, status, avatar, role): each drops the member lists it holds (the
 * roster listens) and tells its sockets (the listener below).
 */
export function announceUserChange(services: Services, userId: string): void {
  services.hub.announce({ type: "user", userId });
}

const hearing = new WeakSet<Services>();

/** From now on (once per Services), tells the sockets here of changed faces. */
export function listenForFaces(services: Services): void {
  if (hearing.has(services)) return;
  hearing.add(services);
  services.hub.onControl((message) => {
    if (message.type !== "user") return;
    // Nobody here to tell: nothing to read.
    if (services.sockets.size > 0) void tellFace(services, message.userId);
  });
}

async function tellFace(services: Services, userId: string): Promise<void> {
  try {
    const [record, channelIds] = await Promise.all([
      getUserRecord(services.kv, userId),
      channelsToTell(services, userId),
    ]);
    if (record === null) return;
    const face = memberFace(
      toPublicUser(record),
      services.presence.isOnline(userId),
    );
    const event = memberFaceEvent(face);
    for (const id of channelIds) services.hub.publishHere(id, event);
  } catch (error) {
    // KV closes during shutdown; the next page load shows the new face.
    log("debug", "member face not told", { userId, error: String(error) });
  }
}
