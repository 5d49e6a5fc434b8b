/**
 * What one instance knows of the others' online users: per peer its set (and
 * where its news stands), and per user how many peers have them, so a user on
 * several instances is told online once and offline when the last drops them.
 */
import { log } from "../log.ts";

/** What is known of one other instance. */
export interface Peer {
  /** Its users online. */
  readonly users: Set<string>;
  /** The newest batch applied. */
  seq: number;
  /** The last beat seen in its record. */
  beat: number;
  /** When (on this instance's monotonic clock) it was last heard from. */
  heardAt: number;
}

// Goodbyes remembered: far more instances than ever come and go in a lease.
const GONE_KEPT = 1000;

/** The peers heard from, and per user whether any of them has them. */
export class PeerTally {
  #peers = new Map<string, Peer>();
  #counts = new Map<string, number>();
  // Instances that said goodbye: a record read before its deletion landed
  // must not bring them back.
  #gone = new Set<string>();
  #setRemote: (userId: string, online: boolean) => void;
  #now: () => number;

  /** `setRemote` hears when a user enters or leaves every peer's set; `now` is monotonic. */
  constructor(
    setRemote: (userId: string, online: boolean) => void,
    now: () => number,
  ) {
    this.#setRemote = setRemote;
    this.#now = now;
  }

  /** Peers counted now. */
  get size(): number {
    return this.#peers.size;
  }

  /** The peer `instance`, if known. */
  get(instance: string): Peer | undefined {
    return this.#peers.get(instance);
  }

  /** The peer `instance`, known from now on if it was not (null if it said goodbye). */
  peer(instance: string): Peer | null {
    if (this.#gone.has(instance)) return null;
    let peer = this.#peers.get(instance);
    if (!peer) {
      peer = { users: new Set(), seq: 0, beat: 0, heardAt: this.#now() };
      this.#peers.set(instance, peer);
    }
    return peer;
  }

  /** The peer said goodbye: its users count no more, and it is not known again. */
  gone(instance: string): void {
    this.#gone.add(instance);
    if (this.#gone.size > GONE_KEPT) {
      this.#gone.delete(this.#gone.values().next().value!);
    }
    this.#drop(instance);
  }

  /** Drops the peers not heard from for longer than `leaseMs`. */
  expire(leaseMs: number): void {
    const now = this.#now();
    for (const [instance, peer] of this.#peers) {
      if (now - peer.heardAt <= leaseMs) continue;
      log("info", "an instance stopped beating; its users count no more", {
        instance,
        users: peer.users.size,
      });
      this.#drop(instance);
    }
  }

  /** The peer's whole set is `users` now. */
  replace(peer: Peer, users: string[]): void {
    const now = new Set(users);
    for (const userId of peer.users) {
      if (!now.has(userId)) this.#remove(peer, userId);
    }
    for (const userId of now) this.#add(peer, userId);
  }

  /** The peer's set gained `on` and lost `off`. */
  apply(peer: Peer, on: readonly string[], off: readonly string[]): void {
    for (const userId of on) this.#add(peer, userId);
    for (const userId of off) this.#remove(peer, userId);
  }

  #drop(instance: string): void {
    const peer = this.#peers.get(instance);
    if (!peer) return;
    this.#peers.delete(instance);
    for (const userId of peer.users) this.#uncount(userId);
  }

  #add(peer: Peer, userId: string): void {
    if (peer.users.has(userId)) return;
    peer.users.add(userId);
    const count = this.#counts.get(userId) ?? 0;
    this.#counts.set(userId, count + 1);
    if (count === 0) this.#setRemote(userId, true);
  }

  #remove(peer: Peer, userId: string): void {
    if (!peer.users.delete(userId)) return;
    this.#uncount(userId);
  }

  #uncount(userId: string): void {
    const count = this.#counts.get(userId) ?? 0;
    if (count > 1) {
      this.#counts.set(userId, count - 1);
      return;
    }
    this.#counts.delete(userId);
    this.#setRemote(userId, false);
  }
}
