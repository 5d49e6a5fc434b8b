/**
 * How a relay spreads the channels it watches over `kv.watch` calls, each of
 * which takes at most ten keys: channels join the first call with room and
 * leave theirs, so a change restarts one call, never all of them.
 */

/** The most keys one `kv.watch` call takes. */
export const MAX_WATCH_KEYS = 10;

/** Groups of watched items (each `keysPerItem` keys), changed as little as possible. */
export class WatchPlan {
  readonly #perGroup: number;
  #groups = new Map<number, Set<string>>();
  #groupOf = new Map<string, number>();
  #nextId = 1;

  /** A plan for items that each take `keysPerItem` of a call's keys. */
  constructor(keysPerItem: number) {
    if (keysPerItem < 1 || keysPerItem > MAX_WATCH_KEYS) {
      throw new RangeError(`keysPerItem must be 1..${MAX_WATCH_KEYS}`);
    }
    this.#perGroup = Math.floor(MAX_WATCH_KEYS / keysPerItem);
  }

  /** Adds `item`; answers the group that changed, or null if it was there already. */
  add(item: string): number | null {
    if (this.#groupOf.has(item)) return null;
    let target: number | undefined;
    for (const [id, members] of this.#groups) {
      if (members.size < this.#perGroup) {
        target = id;
        break;
      }
    }
    if (target === undefined) {
      target = this.#nextId++;
      this.#groups.set(target, new Set());
    }
    this.#groups.get(target)!.add(item);
    this.#groupOf.set(item, target);
    return target;
  }

  /** Removes `item`; answers the group that changed (now perhaps empty), or null. */
  remove(item: string): number | null {
    const id = this.#groupOf.get(item);
    if (id === undefined) return null;
    this.#groupOf.delete(item);
    const members = this.#groups.get(id)!;
    members.delete(item);
    if (members.size === 0) this.#groups.delete(id);
    return id;
  }

  /** The items of group `id` (none once it is gone). */
  items(id: number): string[] {
    return [...(this.#groups.get(id) ?? [])];
  }

  /** The ids of the groups there are now. */
  groupIds(): number[] {
    return [...this.#groups.keys()];
  }
}
