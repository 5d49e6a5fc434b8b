import assert from "node:assert/strict";
import { Hub, type HubEvent, messageEvent, typingEvent } from "./hub.ts";

/** A socket that records what it was sent, standing in for a caught-up client. */
function fakeSocket(buffered = 0) {
  const sent: string[] = [];
  const socket = {
    readyState: WebSocket.OPEN,
    bufferedAmount: buffered,
    send: (text: string) => sent.push(text),
  } as unknown as WebSocket;
  return { socket, sent };
}

function laneOf(
  socket: WebSocket,
  left: Array<[number, boolean]>,
  maxBuffered = 1024,
) {
  return {
    socket,
    maxBuffered,
    leave: (seq: number, full: boolean) => left.push([seq, full]),
  };
}

function message(seq: number) {
  return messageEvent({
    id: `m${seq}`,
    channelId: "c1",
    seq,
    author: { id: "u1", username: "ada", displayName: "Ada" },
    content: `n${seq}`,
    createdAt: new Date(0).toISOString(),
    file: null,
    rev: seq,
    reactions: [],
    mentions: [],
  });
}

Deno.test("Hub express lane sends in-order messages straight to caught-up sockets", () => {
  const hub = new Hub();
  const a = fakeSocket();
  const b = fakeSocket();
  const left: Array<[number, boolean]> = [];
  assert.equal(hub.enterLane("c1", laneOf(a.socket, left), 4), true);
  // A socket at another seq would skip or repeat messages: refused.
  assert.equal(hub.enterLane("c1", laneOf(b.socket, left), 3), false);
  assert.equal(hub.enterLane("c1", laneOf(b.socket, left), 4), true);
  hub.publish("c1", message(5));
  hub.publish("c1", message(6));
  assert.equal(a.sent.length, 2);
  assert.deepEqual(b.sent, a.sent);
  assert.equal(hub.laneSeq("c1"), 6);
  assert.deepEqual(left, []);
  hub.close();
});

Deno.test("Hub express lane hands every socket back on an out-of-order message, before listeners run", () => {
  const hub = new Hub();
  const a = fakeSocket();
  const order: string[] = [];
  const lane = {
    socket: a.socket,
    maxBuffered: 1024,
    leave: (seq: number) => order.push(`leave@${seq}`),
  };
  hub.subscribe("c1", (event) => order.push(`listener:${event.kind}`));
  assert.equal(hub.enterLane("c1", lane, 1), true);
  hub.publish("c1", message(3)); // seq 2 is missing here
  assert.deepEqual(order, ["leave@1", "listener:message"]);
  assert.equal(a.sent.length, 0);
  hub.close();
});

Deno.test("Hub express lane hands back a socket whose unsent bytes pass its limit as full", () => {
  const hub = new Hub();
  const slow = fakeSocket(10_000);
  const left: Array<[number, boolean]> = [];
  assert.equal(hub.enterLane("c1", laneOf(slow.socket, left, 1024), 0), true);
  for (let seq = 1; seq <= 8; seq++) hub.publish("c1", message(seq));
  // Checked every 8 messages: the 8th finds the buffer full.
  assert.deepEqual(left, [[7, true]]);
  assert.equal(slow.sent.length, 7);
  hub.close();
});

Deno.test("Hub express lane keeps message events from a lane's own listener, not other events", () => {
  const hub = new Hub();
  const a = fakeSocket();
  const heard: string[] = [];
  const listener = (event: HubEvent) =>
    heard.push(
      event.kind === "message" ? `message ${event.seq}` : event.kind,
    );
  hub.subscribe("c1", listener);
  const lane = { ...laneOf(a.socket, []), listener };
  assert.equal(hub.enterLane("c1", lane, 0), true);
  hub.publish("c1", message(1));
  hub.publish("c1", typingEvent({ id: "u2" }));
  assert.deepEqual(heard, ["typing"]);
  assert.equal(a.sent.length, 1);
  // Off the lane, the listener hears messages again.
  assert.equal(hub.exitLane("c1", lane), 1);
  hub.publish("c1", message(2));
  assert.deepEqual(heard, ["typing", "message 2"]);
  assert.equal(a.sent.length, 1);
  hub.close();
});

Deno.test("Hub express lane gives the message that broke the lane to its listeners", () => {
  const hub = new Hub();
  const a = fakeSocket();
  const heard: number[] = [];
  const listener = (event: HubEvent) => {
    if (event.kind === "message") heard.push(event.seq);
  };
  hub.subscribe("c1", listener);
  assert.equal(
    hub.enterLane("c1", { ...laneOf(a.socket, []), listener }, 1),
    true,
  );
  hub.publish("c1", message(3)); // seq 2 is missing here
  assert.deepEqual(heard, [3]);
  hub.publish("c1", message(4));
  assert.deepEqual(heard, [3, 4]);
  hub.close();
});
