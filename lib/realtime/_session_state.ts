/**
 * The life of a channel session, as one state and the moves between them:
 *
 * ```
 * connecting ─open─▶ backfilling ─ready and backlog sent─▶ flushing
 * flushing ─queue sent─▶ live ─hub takes it on the express lane─▶ express
 * live ─an event must wait (a gap to fill from the store)─▶ flushing
 * express ─hub hands it back (out-of-order message, slow reader)─▶ live
 * any state ─close, the peer's close, a failure─▶ closed
 * ```
 *
 * In "backfilling" and "flushing" one pump sends, and events queue behind it;
 * in "live" and "express" nothing is queued and events are sent as they come;
 * in "express" the hub writes message frames itself.
 */

/** Where a channel session stands; see the module doc for the moves. */
export type SessionState =
  | "connecting"
  | "backfilling"
  | "flushing"
  | "live"
  | "express"
  | "closed";

const MOVES: { readonly [S in SessionState]: readonly SessionState[] } = {
  connecting: ["backfilling", "closed"],
  backfilling: ["flushing", "closed"],
  flushing: ["live", "closed"],
  live: ["flushing", "express", "closed"],
  express: ["live", "closed"],
  // Nothing leaves "closed": late callbacks of an ended session change nothing.
  closed: [],
};

/** Whether a session may move from `from` to `to`. */
export function canMove(from: SessionState, to: SessionState): boolean {
  return MOVES[from].includes(to);
}
