/**
 * Who is online: counted by open sockets here, joined with the users other
 * instances report (`online_peers.ts` keeps those, through the relay).
 *
 * A user stays online for a short grace period after their last socket here
 * closes: opening another channel or reloading the page closes the socket and
 * opens a new one within a second, and everyone else would otherwise see them
 * blink offline and back each time. The new socket may open on another
 * instance; its news then takes a moment to arrive, so with peers a user who
 * left here and is reported by nobody is counted offline only after a further
 * `settleMs` (the news of a reconnect elsewhere cancels it).
 *
 * Three sets: local (a socket here, or in the grace period), remote (some
 * other live instance has them locally), and settling (neither, for at most
 * `settleMs`). A user is online while in any of them; `onChange` hears when
 * that union changes, `onLocalChange` when the local set does (what this
 * instance tells its peers).
 */

/** Options for {@linkcode Presence}. */
export interface PresenceOptions {
  /** How long a user whose last socket closed still counts as online (0: not at all). */
  graceMs?: number;
  /**
   * How long a user online nowhere stays counted before going offline, while
   * news of a socket on another instance may be on its way (0: no peers).
   */
  settleMs?: number;
  /** Schedules the end of a grace period; `setTimeout` unless a test injects a fake clock. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  /** Cancels what `setTimer` scheduled; `clearTimeout` by default. */
  clearTimer?: (id: unknown) => void;
}

type Listener = (userId: string, online: boolean) => void;

/** Counts open sockets per user; a user is online while any socket of theirs is open here or on a peer. */
export class Presence {
  #sockets = new Map<string, number>();
  // Users whose last socket closed, until their grace period ends.
  #leaving = new Map<string, unknown>();
  // Users online on some other instance.
  #remote = new Set<string>();
  // Users online nowhere, until `settleMs` passes.
  #settling = new Map<string, unknown>();
  #graceMs: number;
  #settleMs: number;
  #setTimer: (fn: () => void, ms: number) => unknown;
  #clearTimer: (id: unknown) => void;
  #closed = false;
  #listeners = new Set<Listener>();
  #localListeners = new Set<Listener>();
  #remoteListeners = new Set<Listener>();

  /** Starts with nobody online. */
  constructor(opts: PresenceOptions = {}) {
    this.#graceMs = Math.max(0, opts.graceMs ?? 0);
    this.#settleMs = Math.max(0, opts.settleMs ?? 0);
    this.#setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = opts.clearTimer ?? ((id) => clearTimeout(id as number));
  }

  /** Records a socket for `userId`; true when this made the user online (here and everywhere). */
  connect(userId: string): boolean {
    const leaving = this.#leaving.get(userId);
    if (leaving !== undefined) {
      // Back within the grace period: nobody saw them go.
      this.#clearTimer(leaving);
      this.#leaving.delete(userId);
      this.#sockets.set(userId, 1);
      return false;
    }
    const count = this.#sockets.get(userId) ?? 0;
    this.#sockets.set(userId, count + 1);
    if (count > 0) return false;
    tell(this.#localListeners, userId, true);
    return this.#arrive(userId);
  }

  /** Calls `listener` whenever a user comes online or goes offline (anywhere), until the returned function is called. */
  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` whenever a user enters or leaves the set online here (grace included). */
  onLocalChange(listener: Listener): () => void {
    this.#localListeners.add(listener);
    return () => this.#localListeners.delete(listener);
  }

  /**
   * Calls `listener` when news from other instances changed whether a user is
   * online (what `connect`'s answer and `onOffline` do not already tell).
   */
  onRemoteChange(listener: Listener): () => void {
    this.#remoteListeners.add(listener);
    return () => this.#remoteListeners.delete(listener);
  }

  /**
   * Forgets a socket of `userId`. When it was their last, the user leaves the
   * local set once the grace period passes without a new socket, and goes
   * offline when no other instance has them either; `onOffline` is called
   * then (at once when there is no grace period and no peer).
   */
  disconnect(userId: string, onOffline: () => void = () => {}): void {
    const count = this.#sockets.get(userId);
    // Unknown users are ignored, so a double disconnect cannot go negative.
    if (count === undefined) return;
    if (count > 1) {
      this.#sockets.set(userId, count - 1);
      return;
    }
    this.#sockets.delete(userId);
    if (this.#closed) return;
    if (this.#graceMs === 0) {
      this.#leave(userId, onOffline);
      return;
    }
    this.#leaving.set(
      userId,
      this.#setTimer(() => {
        this.#leaving.delete(userId);
        this.#leave(userId, onOffline);
      }, this.#graceMs),
    );
  }

  /** Another instance reports `userId` online there (true) or no longer (false). */
  setRemote(userId: string, online: boolean): void {
    if (this.#closed) return;
    if (online) {
      if (this.#remote.has(userId)) return;
      this.#remote.add(userId);
      if (this.#arrive(userId)) tell(this.#remoteListeners, userId, true);
      return;
    }
    if (!this.#remote.delete(userId)) return;
    this.#depart(userId, () => tell(this.#remoteListeners, userId, false));
  }

  /** Whether `userId` counts as online: a socket here or on a peer, or within the grace period. */
  isOnline(userId: string): boolean {
    return this.isLocal(userId) || this.#remote.has(userId) ||
      this.#settling.has(userId);
  }

  /** Whether `userId` has a socket open here, or closed their last within the grace period. */
  isLocal(userId: string): boolean {
    return this.#sockets.has(userId) || this.#leaving.has(userId);
  }

  /** Users online here (grace included): what this instance reports to its peers. */
  localUsers(): string[] {
    return [...this.#sockets.keys(), ...this.#leaving.keys()];
  }

  /** Users who count as online, here or elsewhere. */
  onlineUsers(): string[] {
    return [
      ...new Set([
        ...this.localUsers(),
        ...this.#remote,
        ...this.#settling.keys(),
      ]),
    ];
  }

  /** Drops pending offline announcements (shutdown); later disconnects announce nothing. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#leaving.values()) this.#clearTimer(timer);
    for (const timer of this.#settling.values()) this.#clearTimer(timer);
    this.#leaving.clear();
    this.#settling.clear();
  }

  // The user left the local set (their grace ended).
  #leave(userId: string, onOffline: () => void): void {
    tell(this.#localListeners, userId, false);
    this.#depart(userId, onOffline);
  }

  // The user entered the local or the remote set: true when that made them
  // online (they were not settling, nor in the other set).
  #arrive(userId: string): boolean {
    const settling = this.#settling.get(userId);
    if (settling !== undefined) {
      this.#clearTimer(settling);
      this.#settling.delete(userId);
      return false;
    }
    // In both sets now: they were in the other one already.
    if (this.#remote.has(userId) && this.isLocal(userId)) return false;
    tell(this.#listeners, userId, true);
    return true;
  }

  // The user left a set: offline when in neither, after `settleMs`.
  #depart(userId: string, offline: () => void): void {
    if (this.isLocal(userId) || this.#remote.has(userId)) return;
    const done = () => {
      tell(this.#listeners, userId, false);
      offline();
    };
    if (this.#settleMs === 0) {
      done();
      return;
    }
    this.#settling.set(
      userId,
      this.#setTimer(() => {
        this.#settling.delete(userId);
        done();
      }, this.#settleMs),
    );
  }
}

function tell(listeners: Set<Listener>, userId: string, online: boolean) {
  for (const listener of listeners) listener(userId, online);
}
