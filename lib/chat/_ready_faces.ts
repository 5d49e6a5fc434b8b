/**
 * The first online members of a channel as `ready` frames list them, built
 * once per change that alters them rather than once per socket.
 *
 * When a crowd connects (a restart, a big channel coming back), every socket
 * gets a `ready` listing the first {@linkcode READY_ONLINE_MEMBERS} online
 * members by username. Each connect also brings someone online, but once the
 * list is full only a newcomer who sorts before its last name changes it; so
 * the list is kept per channel, for the roster view it was built from, and
 * dropped by a new view, by such a newcomer, by a listed member going offline,
 * or (while it is not full) by anyone of the channel coming online. The counts
 * are not kept: callers read them live. Views are held weakly: a view the
 * roster has let go (reloaded, or idle) is not kept alive from here.
 */
import type { RosterView } from "../roster.ts";
import type { Presence } from "../realtime/presence.ts";
import { READY_ONLINE_MEMBERS } from "../shared/limits.ts";
import type { Member } from "../shared/wire.ts";
import type { User } from "../db/users.ts";

interface Kept {
  view: WeakRef<RosterView>;
  faces: Member[];
  ids: Set<string>;
  /** Username of the last listed member ("" while the list is empty). */
  last: string;
}

/** How many channels' lists are kept; the roster holds at most 256 channels. */
const DEFAULT_MAX_CHANNELS = 256;

/** Ready lists per channel and roster view, dropped by the presence changes that alter them. */
export class ReadyFaces {
  #kept = new Map<string, Kept>();
  #face: (user: User) => Member;
  #maxChannels: number;

  /** `face` shows an online member; `presence` tells of users coming and going. */
  constructor(
    presence: Pick<Presence, "onChange">,
    face: (user: User) => Member,
    maxChannels = DEFAULT_MAX_CHANNELS,
  ) {
    this.#face = face;
    this.#maxChannels = maxChannels;
    presence.onChange((userId, online) => {
      for (const [channelId, kept] of this.#kept) {
        const view = kept.view.deref();
        if (view === undefined) {
          this.#kept.delete(channelId);
          continue;
        }
        const user = view.byId.get(userId);
        if (user === undefined) continue;
        const changes = online
          ? kept.faces.length < READY_ONLINE_MEMBERS ||
            user.username < kept.last
          : kept.ids.has(userId);
        if (changes) this.#kept.delete(channelId);
      }
    });
  }

  /**
   * The first online members of the channel's `view` by username, at most
   * READY_ONLINE_MEMBERS; shared between callers, not to be changed.
   */
  faces(channelId: string, view: RosterView): Member[] {
    const kept = this.#kept.get(channelId);
    if (kept !== undefined && kept.view.deref() === view) return kept.faces;
    const wanted = Math.min(view.online.size, READY_ONLINE_MEMBERS);
    const faces: Member[] = [];
    const ids = new Set<string>();
    let last = "";
    for (const person of view.members) {
      if (faces.length === wanted) break;
      if (!view.online.has(person.id)) continue;
      faces.push(this.#face(person));
      ids.add(person.id);
      last = person.username;
    }
    // Re-inserted, so the Map holds channels in the order they were built.
    this.#kept.delete(channelId);
    this.#kept.set(channelId, { view: new WeakRef(view), faces, ids, last });
    if (this.#kept.size > this.#maxChannels) {
      this.#kept.delete(this.#kept.keys().next().value!);
    }
    return faces;
  }

  /** Number of channels with a list kept, for tests. */
  get size(): number {
    return this.#kept.size;
  }
}
