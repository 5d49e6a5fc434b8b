/**
 * Who is online, counted by open sockets.
 *
 * A user stays online for a short grace period after their last socket closes:
 * opening another channel or reloading the page closes the socket and opens a
 * new one within a second, and everyone else would otherwise see them blink
 * offline and back each time.
 *
 * Counts are per process (per isolate): with several instances each knows only
 * its own sockets, so a user connected to two instances shows online on both and
 * offline wherever their sockets there close.
 */

/** Options for {@linkcode Presence}. */
export interface PresenceOptions {
  /** How long a user whose last socket closed still counts as online (0: not at all). */
  graceMs?: number;
  /** Schedules the end of a grace period; `setTimeout` unless a test injects a fake clock. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  /** Cancels what `setTimer` scheduled; `clearTimeout` by default. */
  clearTimer?: (id: unknown) => void;
}

/** Counts open sockets per user; a user is online while any of them is open. */
export class Presence {
  #sockets = new Map<string, number>();
  // Users whose last socket closed, until their grace period ends.
  #leaving = new Map<string, unknown>();
  #graceMs: number;
  #setTimer: (fn: () => void, ms: number) => unknown;
  #clearTimer: (id: unknown) => void;
  #closed = false;
  #listeners = new Set<(userId: string, online: boolean) => void>();

  /** Starts with nobody online. */
  constructor(opts: PresenceOptions = {}) {
    this.#graceMs = Math.max(0, opts.graceMs ?? 0);
    this.#setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = opts.clearTimer ?? ((id) => clearTimeout(id as number));
  }

  /** Records a socket for `userId`; true when this made the user online. */
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
    if (count === 0) this.#tell(userId, true);
    return count === 0;
  }

  /** Calls `listener` whenever a user comes online or goes offline here, until the returned function is called. */
  onChange(listener: (userId: string, online: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Forgets a socket of `userId`. When it was their last, the user goes
   * offline once the grace period passes without a new socket, and
   * `onOffline` is called then (at once when there is no grace period).
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
      this.#tell(userId, false);
      onOffline();
      return;
    }
    this.#leaving.set(
      userId,
      this.#setTimer(() => {
        this.#leaving.delete(userId);
        this.#tell(userId, false);
        onOffline();
      }, this.#graceMs),
    );
  }

  /** Whether `userId` has a socket open here, or closed their last within the grace period. */
  isOnline(userId: string): boolean {
    return this.#sockets.has(userId) || this.#leaving.has(userId);
  }

  /** Users who count as online here. */
  onlineUsers(): string[] {
    return [...this.#sockets.keys(), ...this.#leaving.keys()];
  }

  #tell(userId: string, online: boolean): void {
    for (const listener of this.#listeners) listener(userId, online);
  }

  /** Drops pending offline announcements (shutdown); later disconnects announce nothing. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#leaving.values()) this.#clearTimer(timer);
    this.#leaving.clear();
  }
}
