import assert from "node:assert/strict";
import type {
  RelayWorkerCommand,
  RelayWorkerReport,
} from "./_relay_worker_test_helper.ts";
import { waitFor, withDeadline } from "../../tests/helpers/deadline.ts";
import { delay, makeMessage } from "./_test_helpers.ts";
import {
  type ControlMessage,
  Hub,
  type HubEvent,
  messageEvent,
  presenceEvent,
  typingEvent,
} from "./hub.ts";

Deno.test("Hub.publish() reaches subscribers of that channel only", () => {
  const hub = new Hub();
  const got: string[] = [];
  hub.subscribe("a", (e) => got.push(`a1:${e.kind}`));
  hub.subscribe("a", (e) => got.push(`a2:${e.kind}`));
  hub.subscribe("b", (e) => got.push(`b:${e.kind}`));
  hub.publish("a", presenceEvent("u1", true));
  assert.deepEqual(got, ["a1:presence", "a2:presence"]);
  hub.close();
});

Deno.test("Hub.subscribe() returns an unsubscribe that frees the channel", () => {
  const hub = new Hub();
  const got: HubEvent[] = [];
  const off = hub.subscribe("a", (e) => got.push(e));
  assert.equal(hub.listenerCount("a"), 1);
  off();
  off(); // idempotent
  assert.equal(hub.listenerCount("a"), 0);
  hub.publish("a", presenceEvent("u1", true));
  assert.equal(got.length, 0);
  hub.close();
});

Deno.test("Hub.publish() serialises an event once for any number of listeners", () => {
  const hub = new Hub({ relay: `hearth-test-${crypto.randomUUID()}` });
  const texts = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    hub.subscribe("a", (e) => texts.add(e.frameText));
  }
  const stringify = JSON.stringify;
  let calls = 0;
  JSON.stringify = ((...args: Parameters<typeof stringify>) => {
    calls++;
    return stringify(...args);
  }) as typeof JSON.stringify;
  try {
    hub.publish("a", messageEvent(makeMessage("a", 1)));
  } finally {
    JSON.stringify = stringify;
  }
  assert.equal(calls, 1);
  assert.equal(texts.size, 1);
  hub.close();
});

Deno.test("Hub events carry the wire frame as frameText", () => {
  const message = makeMessage("a", 3);
  const event = messageEvent(message);
  assert.equal(event.seq, 3);
  assert.deepEqual(JSON.parse(event.frameText), { type: "message", message });
  assert.deepEqual(JSON.parse(presenceEvent("u1", false).frameText), {
    type: "presence",
    userId: "u1",
    online: false,
  });
  assert.deepEqual(
    JSON.parse(
      typingEvent({ id: "u1", username: "ada", displayName: "Ada" }).frameText,
    ),
    { type: "typing", userId: "u1", username: "ada", displayName: "Ada" },
  );
});

Deno.test("Hub.publish() keeps delivering when a listener throws", () => {
  const hub = new Hub();
  const error = console.error;
  console.error = () => {};
  let delivered = 0;
  try {
    hub.subscribe("a", () => {
      throw new Error("boom");
    });
    hub.subscribe("a", () => delivered++);
    hub.publish("a", presenceEvent("u1", true));
  } finally {
    console.error = error;
  }
  assert.equal(delivered, 1);
  hub.close();
});

Deno.test("Hub.close() stops delivery and later calls are harmless", () => {
  const hub = new Hub({ relay: `hearth-test-${crypto.randomUUID()}` });
  let delivered = 0;
  hub.subscribe("a", () => delivered++);
  hub.close();
  hub.close();
  hub.publish("a", presenceEvent("u1", true));
  hub.subscribe("a", () => delivered++)();
  assert.equal(delivered, 0);
});

Deno.test("Hub relay delivers between two hubs in one isolate without echo", async () => {
  const relay = `hearth-test-${crypto.randomUUID()}`;
  const [a, b] = [new Hub({ relay }), new Hub({ relay })];
  const gotA: HubEvent[] = [];
  const gotB: HubEvent[] = [];
  a.subscribe("c", (e) => gotA.push(e));
  b.subscribe("c", (e) => gotB.push(e));
  try {
    a.publish("c", messageEvent(makeMessage("c", 1)));
    await waitFor(() => gotB.length >= 1, { what: "The relayed event in b" });
    // A window for an echo back to a, to prove there is none.
    await delay(50);
    assert.deepEqual(gotA.map((e) => e.kind === "message" && e.seq), [1]);
    assert.deepEqual(gotB.map((e) => e.kind === "message" && e.seq), [1]);
    assert.equal(gotB[0].frameText, gotA[0].frameText);
  } finally {
    a.close();
    b.close();
  }
});

/** A relay worker plus the reports it has sent. */
interface WorkerHandle {
  worker: Worker;
  events: Extract<RelayWorkerReport, { op: "event" }>[];
  next(op: RelayWorkerReport["op"]): Promise<void>;
  send(cmd: RelayWorkerCommand): void;
}

function startWorker(): WorkerHandle {
  const worker = new Worker(
    new URL("./_relay_worker_test_helper.ts", import.meta.url),
    { type: "module" },
  );
  const waiting = new Map<string, () => void>();
  const handle: WorkerHandle = {
    worker,
    events: [],
    next: (op) =>
      withDeadline(
        new Promise((resolve) => waiting.set(op, resolve)),
        10_000,
        `The worker's "${op}" report`,
      ),
    send: (cmd) => worker.postMessage(cmd),
  };
  worker.onmessage = (e: MessageEvent<RelayWorkerReport>) => {
    if (e.data.op === "event") handle.events.push(e.data);
    waiting.get(e.data.op)?.();
    waiting.delete(e.data.op);
  };
  return handle;
}

Deno.test("Hub.publish() reaches a subscriber in another worker", async () => {
  const relay = `hearth-test-${crypto.randomUUID()}`;
  const workers = [startWorker(), startWorker()];
  const main = new Hub({ relay });
  const mainEvents: HubEvent[] = [];
  main.subscribe("c", (e) => mainEvents.push(e));
  try {
    for (const w of workers) {
      const started = w.next("started");
      w.send({ op: "start", relay, channelId: "c" });
      await started;
    }
    const [w1, w2] = workers;
    w1.send({ op: "publish", channelId: "c", message: makeMessage("c", 1) });
    w1.send({
      op: "publish",
      channelId: "other",
      message: makeMessage("other", 1),
    });
    main.publish("c", messageEvent(makeMessage("c", 2)));
    await waitFor(
      () =>
        w1.events.length >= 2 && w2.events.length >= 2 &&
        mainEvents.length >= 2,
      { what: "Both events everywhere", timeoutMs: 5000 },
    );
    // Time for any echo or duplicate to show up.
    await delay(100);
    for (const seqs of [w1, w2].map((w) => w.events.map((e) => e.seq))) {
      assert.deepEqual(seqs.toSorted(), [1, 2]);
    }
    assert.deepEqual(
      mainEvents.map((e) => e.kind === "message" && e.seq).toSorted(),
      [1, 2],
    );
    const relayed = w2.events.find((e) => e.seq === 1)!;
    assert.deepEqual(JSON.parse(relayed.frameText), {
      type: "message",
      message: makeMessage("c", 1),
    });
  } finally {
    main.close();
    for (const w of workers) {
      const closed = w.next("closed");
      w.send({ op: "close" });
      await closed;
      w.worker.terminate();
    }
  }
});

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
  hub.publish("c1", presenceEvent("u2", true));
  assert.deepEqual(heard, ["presence"]);
  assert.equal(a.sent.length, 1);
  // Off the lane, the listener hears messages again.
  assert.equal(hub.exitLane("c1", lane), 1);
  hub.publish("c1", message(2));
  assert.deepEqual(heard, ["presence", "message 2"]);
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

Deno.test("Hub control messages reach this hub and, relayed, the others; never a channel", async () => {
  const relay = `hearth-test-${crypto.randomUUID()}`;
  const [a, b] = [new Hub({ relay }), new Hub({ relay })];
  const heard: string[] = [];
  const channelEvents: HubEvent[] = [];
  const text = (m: ControlMessage) =>
    m.type === "revoked" ? m.jti : `${m.userId} in ${m.channelId}`;
  a.onControl((m) => heard.push(`a:${text(m)}`));
  const off = b.onControl((m) => heard.push(`b:${text(m)}`));
  b.subscribe("\u0000control", (e) => channelEvents.push(e));
  try {
    a.announce({ type: "revoked", jti: "t1" });
    a.announce({ type: "joined", userId: "u1", channelId: "c1" });
    await waitFor(() => heard.length >= 4, { what: "Both messages in b" });
    assert.deepEqual(heard, ["a:t1", "a:u1 in c1", "b:t1", "b:u1 in c1"]);
    off();
    a.announce({ type: "revoked", jti: "t2" });
    // A window for the relay to reach b, to prove b no longer hears it.
    await delay(50);
    assert.deepEqual(heard.slice(4), ["a:t2"]);
    assert.deepEqual(channelEvents, []);
  } finally {
    a.close();
    b.close();
  }
});
