/**
 * Express lanes: a channel's caught-up sockets take its next messages straight
 * from the hub, in one tight loop per message, instead of each through its
 * session. A lane only ever sends the very next seq, so a socket on it can
 * neither skip nor repeat a message; anything else hands every socket back to
 * its session, which sorts it out from the store.
 */
import type { HubListener, MessageHubEvent } from "./hub_events.ts";
import { SENDS_PER_CHECK, writeFrame } from "./_socket_writer.ts";
import type { ServerSocket } from "./server_socket.ts";

/** A caught-up socket on a channel's express lane, as its session offers it. */
export interface ExpressLane {
  /** The socket the lane writes to. */
  readonly socket: ServerSocket;
  /** Unsent bytes past which the socket is handed back as too slow. */
  readonly maxBuffered: number;
  /** The hub hands the lane back: `lastSeq` was the last message sent on it. */
  leave(lastSeq: number, full: boolean): void;
  /**
   * The socket's subscriber, if it has one: while the socket is on the lane it
   * is not called for message events at all, so a message costs nothing per
   * caught-up socket beyond its send.
   */
  readonly listener?: HubListener;
}

// One channel's lane: its sockets, and the seq of the last message sent on
// every one of them.
interface ChannelLane {
  members: Set<ExpressLane>;
  seq: number;
  // Counts the lane's messages, to read bufferedAmount every few of them.
  sends: number;
}

/** Called as a socket leaves a lane, before it is told, so its listener hears messages again. */
export type OffLane = (channelId: string, lane: ExpressLane) => void;

/** The express lanes of every channel in one hub. */
export class ExpressLanes {
  #lanes = new Map<string, ChannelLane>();
  #offLane: OffLane;

  /** Lanes that report each socket they let go of to `offLane`. */
  constructor(offLane: OffLane) {
    this.#offLane = offLane;
  }

  /** Adds `lane` if `lastSentSeq` is where the channel's lane stands (or it is the first). */
  enter(channelId: string, lane: ExpressLane, lastSentSeq: number): boolean {
    const lanes = this.#lanes.get(channelId);
    if (!lanes) {
      this.#lanes.set(channelId, {
        members: new Set([lane]),
        seq: lastSentSeq,
        sends: 0,
      });
    } else if (lanes.seq !== lastSentSeq) return false;
    else lanes.members.add(lane);
    return true;
  }

  /** Takes `lane` off (its session ended); returns the lane's seq. */
  exit(channelId: string, lane: ExpressLane): number {
    const lanes = this.#lanes.get(channelId);
    if (!lanes?.members.delete(lane)) return lanes?.seq ?? 0;
    this.#offLane(channelId, lane);
    if (lanes.members.size === 0) this.#lanes.delete(channelId);
    return lanes.seq;
  }

  /** Where the channel's lane stands: the last seq sent on it (0 without a lane). */
  seq(channelId: string): number {
    return this.#lanes.get(channelId)?.seq ?? 0;
  }

  /**
   * Sends a message to every socket on the channel's lane. The hub calls this
   * before its listeners, so a socket handed back here gets this very message
   * through its session, in order.
   */
  send(channelId: string, event: MessageHubEvent): void {
    const lanes = this.#lanes.get(channelId);
    if (!lanes) return;
    if (event.seq !== lanes.seq + 1) {
      // Out of order (a relayed message, a gap): every session sorts it out itself.
      this.#lanes.delete(channelId);
      for (const lane of lanes.members) {
        this.#offLane(channelId, lane);
        lane.leave(lanes.seq, false);
      }
      return;
    }
    // The hot loop of fan-out: no allocation and no closure per socket.
    const check = ++lanes.sends % SENDS_PER_CHECK === 0;
    const text = event.frameText;
    for (const lane of lanes.members) {
      const result = writeFrame(lane.socket, text, check, lane.maxBuffered);
      if (result !== "sent") {
        lanes.members.delete(lane);
        this.#offLane(channelId, lane);
        lane.leave(lanes.seq, result === "full");
      }
    }
    lanes.seq = event.seq;
    if (lanes.members.size === 0) this.#lanes.delete(channelId);
  }

  /** Forgets every lane without telling their sockets (the hub is closing). */
  clear(): void {
    this.#lanes.clear();
  }
}
