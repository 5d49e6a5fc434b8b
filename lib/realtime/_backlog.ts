/**
 * A channel's stored messages, sent to one socket from where it stands: the
 * backlog after `ready`, the changes a reconnecting client missed, and the
 * gaps that out-of-order live events reveal.
 */
import type { Message } from "../shared/wire.ts";
import {
  messageEvent,
  type MessageHubEvent,
  updateEvent,
} from "./hub_events.ts";
import type { FlowControl } from "./_flow_control.ts";
import { PAGE_SIZE } from "./channel_session_options.ts";
import { log } from "../log.ts";
import type { ServerSocket } from "./server_socket.ts";

/** The part of a session that sending stored messages reads and moves on. */
export interface BacklogCursor {
  /** The channel, for the log line about a gap the store cannot fill. */
  readonly channelId: string;
  /** The socket, to tell a closing one from a store that lags. */
  readonly socket: ServerSocket;
  /** The session's flow control: writes go through it, and wait for its drains. */
  readonly flow: FlowControl;
  /** Stored messages with seq > `afterSeq`, oldest first, at most `limit`. */
  loadAfter(afterSeq: number, limit: number): Promise<Message[]>;
  /** The highest seq sent to the socket; sending moves it on. */
  lastSentSeq: number;
  /** True once the session ended: sending stops at once. */
  ended(): boolean;
}

/** Sends stored messages after `cursor.lastSentSeq` until the store runs out or `untilSeq` is reached. */
export async function catchUp(
  cursor: BacklogCursor,
  untilSeq: number,
): Promise<void> {
  const flow = cursor.flow;
  while (!cursor.ended() && cursor.lastSentSeq < untilSeq) {
    const from = cursor.lastSentSeq;
    const page = await cursor.loadAfter(from, PAGE_SIZE);
    for (const message of page) {
      if (cursor.ended()) return;
      if (message.seq <= cursor.lastSentSeq) continue;
      if (!flow.write(messageEvent(message).frameText)) return;
      cursor.lastSentSeq = message.seq;
      if (flow.congested && !(await flow.drain())) return;
    }
    // A short page is the end; a page that moved nothing would loop forever.
    if (page.length < PAGE_SIZE || cursor.lastSentSeq === from) return;
  }
}

/** Sends what the store holds before the live `event`, then `event` itself. */
export async function fillGap(
  cursor: BacklogCursor,
  event: MessageHubEvent,
): Promise<void> {
  await catchUp(cursor, event.seq - 1);
  if (cursor.ended() || event.seq <= cursor.lastSentSeq) return;
  // The catch-up also stops when the socket is closing (the peer hung up
  // and its close event is not in yet): nothing is missing then, and
  // nothing more can be sent.
  if (cursor.socket.readyState !== WebSocket.OPEN) return;
  // Only reachable if the store lags the hub; KV reads are strongly consistent,
  // so this is logged rather than waited on.
  log("warn", "messages missing from the store", {
    channelId: cursor.channelId,
    from: cursor.lastSentSeq + 1,
    to: event.seq - 1,
    sending: event.seq,
  });
  if (cursor.flow.write(event.frameText)) cursor.lastSentSeq = event.seq;
}

/**
 * Sends a `message_update` for every message up to `maxSeq` changed after rev
 * `sinceRev`, in rev order: the changes a reconnecting client missed to
 * messages it already had. Later messages went out whole in the backlog.
 */
export async function replayChanges(
  cursor: BacklogCursor,
  load: (sinceRev: number, maxSeq: number, limit: number) => Promise<Message[]>,
  sinceRev: number,
  maxSeq: number,
): Promise<void> {
  if (maxSeq === 0) return;
  let since = sinceRev;
  while (!cursor.ended()) {
    const page = await load(since, maxSeq, PAGE_SIZE);
    for (const message of page) {
      if (cursor.ended()) return;
      if (!cursor.flow.write(updateEvent(message).frameText)) return;
      since = message.rev;
      if (cursor.flow.congested && !(await cursor.flow.drain())) return;
    }
    if (page.length < PAGE_SIZE) return;
  }
}
