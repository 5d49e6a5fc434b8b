/**
 * Who is online, counted by open sockets.
 *
 * Counts are per process (per isolate): with several instances each knows only
 * its own sockets, so a user connected to two instances shows online on both and
 * offline wherever their sockets there close.
 */

/** Counts open sockets per user; a user is online while any of them is open. */
export class Presence {
  #sockets = new Map<string, number>();

  /** Records a socket for `userId`; true when this made the user online. */
  connect(userId: string): boolean {
    const count = this.#sockets.get(userId) ?? 0;
    this.#sockets.set(userId, count + 1);
    return count === 0;
  }

  /** Forgets a socket of `userId`; true when this made the user offline. */
  disconnect(userId: string): boolean {
    const count = this.#sockets.get(userId);
    // Unknown users are ignored, so a double disconnect cannot go negative.
    if (count === undefined) return false;
    if (count > 1) {
      this.#sockets.set(userId, count - 1);
      return false;
    }
    this.#sockets.delete(userId);
    return true;
  }

  /** Whether `userId` has at least one open socket here. */
  isOnline(userId: string): boolean {
    return this.#sockets.has(userId);
  }

  /** Users with at least one open socket here. */
  onlineUsers(): string[] {
    return [...this.#sockets.keys()];
  }
}
