/**
 * The hub's link to other isolates: a `BroadcastChannel` carrying each
 * published event as the frame text already built for local sockets, so a
 * publish is serialised once in total, and control messages beside them.
 */
import type { ChannelSummary, ServerFrame } from "../shared/wire.ts";
import type { ControlMessage, HubEvent } from "./hub_events.ts";
import { log } from "../log.ts";

/** Name of the relay `BroadcastChannel` when the hub is given `relay: true`. */
export const DEFAULT_RELAY_NAME = "hearth-hub";

// Relayed like a channel's events, under a name no channel id can take.
const CONTROL_CHANNEL = "\u0000control";

// What travels over the relay: the channel, the frame text, and for what is
// not a stored message an id, by which a hub that also runs the KV relay
// handles it once.
interface RelayPacket {
  channelId: string;
  frameText: string;
  id?: string;
}

/** Where a {@linkcode Relay} hands what other instances sent. */
export interface RelayReceiver {
  /** An event another instance published; deliver it locally only. */
  event(channelId: string, event: HubEvent, id?: string): void;
  /** A control message another instance announced. */
  control(message: ControlMessage, id?: string): void;
}

/** Posts a hub's events and control messages to other isolates, and hears theirs. */
export class Relay {
  #channel: BroadcastChannel;
  #receiver: RelayReceiver;
  #closed = false;

  /** Joins the `BroadcastChannel` called `name`. */
  constructor(name: string, receiver: RelayReceiver) {
    this.#receiver = receiver;
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (e: MessageEvent<RelayPacket>) =>
      this.#receive(e.data);
  }

  /** Sends `event` of `channelId` to the other instances. */
  publish(channelId: string, event: HubEvent, id?: string): void {
    const packet: RelayPacket = { channelId, frameText: event.frameText, id };
    this.#channel.postMessage(packet);
  }

  /** Sends a control message to the other instances. */
  announce(message: ControlMessage, id?: string): void {
    const packet: RelayPacket = {
      channelId: CONTROL_CHANNEL,
      frameText: JSON.stringify(message),
      id,
    };
    this.#channel.postMessage(packet);
  }

  /** Leaves the `BroadcastChannel`; nothing is received after this. */
  close(): void {
    this.#closed = true;
    this.#channel.close();
  }

  #receive(packet: RelayPacket): void {
    if (this.#closed) return;
    if (packet?.channelId === CONTROL_CHANNEL) {
      const message = controlFromText(packet.frameText);
      if (message) this.#receiver.control(message, idOf(packet));
      else log("error", "hub relay dropped a malformed control packet");
      return;
    }
    const event = eventFromFrameText(packet?.frameText);
    if (!event || typeof packet.channelId !== "string") {
      log("error", "hub relay dropped a malformed packet");
      return;
    }
    this.#receiver.event(packet.channelId, event, idOf(packet));
  }
}

function idOf(packet: RelayPacket): string | undefined {
  return typeof packet.id === "string" ? packet.id : undefined;
}

/** Reads a relayed control message, or null for anything malformed. */
export function controlFromText(text: unknown): ControlMessage | null {
  if (typeof text !== "string") return null;
  try {
    const message = JSON.parse(text);
    if (message?.type === "revoked" && typeof message.jti === "string") {
      return { type: "revoked", jti: message.jti };
    }
    if (message?.type === "banned" && typeof message.userId === "string") {
      return { type: "banned", userId: message.userId };
    }
    if (message?.type === "friends" && typeof message.userId === "string") {
      return { type: "friends", userId: message.userId };
    }
    if (message?.type === "bots") return { type: "bots" };
    if (message?.type === "timeout" && typeof message.userId === "string") {
      return { type: "timeout", userId: message.userId };
    }
    if (message?.type === "user" && typeof message.userId === "string") {
      return { type: "user", userId: message.userId };
    }
    if (
      message?.type === "online" && typeof message.from === "string" &&
      typeof message.seq === "number"
    ) return onlineFrom(message);
    if (
      message?.type === "joined" && typeof message.userId === "string" &&
      typeof message.channelId === "string"
    ) {
      const channel = message.channel;
      return {
        type: "joined",
        userId: message.userId,
        channelId: message.channelId,
        ...(isSummary(channel) ? { channel } : {}),
      };
    }
    return null;
  } catch {
    return null;
  }
}

// The fields of an `online` message that are well formed; the rest are left out.
function onlineFrom(
  message: { from: string; seq: number } & Record<string, unknown>,
): ControlMessage {
  const ids = (value: unknown) =>
    Array.isArray(value) && value.every((id) => typeof id === "string")
      ? value as string[]
      : undefined;
  const [on, off, all] = [ids(message.on), ids(message.off), ids(message.all)];
  return {
    type: "online",
    from: message.from,
    seq: message.seq,
    ...(on ? { on } : {}),
    ...(off ? { off } : {}),
    ...(all ? { all } : {}),
    ...(message.hello === true ? { hello: true as const } : {}),
    ...(message.gone === true ? { gone: true as const } : {}),
  };
}

function isSummary(value: unknown): value is ChannelSummary {
  const v = value as ChannelSummary | undefined;
  return typeof v?.id === "string" && typeof v.name === "string" &&
    typeof v.topic === "string" && typeof v.private === "boolean";
}

/**
 * Rebuilds an event from relayed frame text (null if malformed), reusing
 * that text so a relayed event is not serialised again either.
 */
export function eventFromFrameText(text: unknown): HubEvent | null {
  if (typeof text !== "string") return null;
  let frame: ServerFrame;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  switch (frame?.type) {
    case "message":
      if (typeof frame.message?.seq !== "number") return null;
      return {
        kind: "message",
        seq: frame.message.seq,
        message: frame.message,
        frameText: text,
      };
    case "message_update":
      if (
        typeof frame.message?.seq !== "number" ||
        typeof frame.message?.rev !== "number"
      ) return null;
      return {
        kind: "update",
        seq: frame.message.seq,
        rev: frame.message.rev,
        message: frame.message,
        frameText: text,
      };
    case "presence":
      return { kind: "presence", changes: frame.changes, frameText: text };
    case "typing":
      return { kind: "typing", userId: frame.userId, frameText: text };
    case "member":
      return {
        kind: "member",
        userId: frame.userId,
        joined: frame.joined,
        ...(frame.removed === true ? { removed: true } : {}),
        frameText: text,
      };
    case "channel_updated":
      return { kind: "channel", deleted: false, frameText: text };
    case "channel_removed":
      return { kind: "channel", deleted: true, frameText: text };
    default:
      return null;
  }
}
