/**
 * The first online members of a channel as `ready` frames list them, built
 * once per change that alters them rather than once per socket.
 *
 * When a crowd connects (a restart, a big channel coming back), every socket
 * gets a `ready` listing the first {@linkcode READY_ONLINE_MEMBERS} online
 * members by username. Each connect also brings someone online, but once the
 * list is full only a newcomer who sorts before its last name changes it; so
 * the list is kept per roster view and dropped only by such a newcomer, by a
 * listed member going offline, or (while it is not full) by anyone of the
 * channel coming online. The counts are not kept: callers read them live.
 */
import type { RosterView } from "../roster.ts";
import type { Presence } from "../realtime/presence.ts";
import { READY_ONLINE_MEMBERS } from "../shared/limits.ts";
import type { Member } from "../shared/wire.ts";
import type { User } from "../db/users.ts";

interface Kept {
  faces: Member[];
  ids: Set<string>;
  /** Username of the last listed member ("" while the list is empty). */
  last: string;
}

/** How many views' lists are kept; the roster holds at most 256 channels. */
const DEFAULT_MAX_VIEWS = 256;

/** Ready lists per roster view, dropped by the presence changes that alter them. */
export class ReadyFaces {
  #kept = new Map<RosterView, Kept>();
  #face: (user: User) => Member;
  #maxViews: number;

  /** `face` shows an online member; `presence` tells of users coming and going. */
  constructor(
    presence: Pick<Presence, "onChange">,
    face: (user: User) => Member,
    maxViews = DEFAULT_MAX_VIEWS,
  ) {
    this.#face = face;
    this.#maxViews = maxViews;
    presence.onChange((userId, online) => {
      for (const [view, kept] of this.#kept) {
        const user = view.byId.get(userId);
        if (user === undefined) continue;
        const changes = online
          ? kept.faces.length < READY_ONLINE_MEMBERS ||
            user.username < kept.last
          : kept.ids.has(userId);
        if (changes) this.#kept.delete(view);
      }
    });
  }

  /** The first online members of `view` by username, at most READY_ONLINE_MEMBERS; shared, not to be changed. */
  faces(view: RosterView): Member[] {
    const kept = this.#kept.get(view);
    if (kept !== undefined) return kept.faces;
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
    this.#kept.set(view, { faces, ids, last });
    // Views replaced by a reload are never asked again: the oldest go first.
    if (this.#kept.size > this.#maxViews) {
      this.#kept.delete(this.#kept.keys().next().value!);
    }
    return faces;
  }

  /** Number of views with a list kept, for tests. */
  get size(): number {
    return this.#kept.size;
  }
}
