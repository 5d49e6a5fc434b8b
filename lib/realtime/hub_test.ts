import { setLogSink } from "../log.ts";
import assert from "node:assert/strict";
import { makeMessage } from "./_test_helpers.ts";
import {
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
  hub.publish("a", typingEvent({ id: "u1" }));
  assert.deepEqual(got, ["a1:typing", "a2:typing"]);
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
  hub.publish("a", typingEvent({ id: "u1" }));
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
  assert.deepEqual(
    JSON.parse(presenceEvent([{ userId: "u1", online: false }], 3).frameText),
    {
      type: "presence",
      changes: [{ userId: "u1", online: false }],
      onlineCount: 3,
    },
  );
  assert.deepEqual(
    JSON.parse(
      typingEvent({ id: "u1", username: "ada", displayName: "Ada" }).frameText,
    ),
    { type: "typing", userId: "u1", username: "ada", displayName: "Ada" },
  );
});

Deno.test("Hub.publish() keeps delivering when a listener throws", () => {
  const hub = new Hub();
  const logged: string[] = [];
  const sink = setLogSink((line) => logged.push(line));
  let delivered = 0;
  try {
    hub.subscribe("a", () => {
      throw new Error("boom");
    });
    hub.subscribe("a", () => delivered++);
    hub.publish("a", typingEvent({ id: "u1" }));
  } finally {
    setLogSink(sink);
  }
  assert.equal(delivered, 1);
  assert.equal(JSON.parse(logged[0]).msg, "hub listener failed");
  hub.close();
});

Deno.test("Hub.close() stops delivery and later calls are harmless", () => {
  const hub = new Hub({ relay: `hearth-test-${crypto.randomUUID()}` });
  let delivered = 0;
  hub.subscribe("a", () => delivered++);
  hub.close();
  hub.close();
  hub.publish("a", typingEvent({ id: "u1" }));
  hub.subscribe("a", () => delivered++)();
  assert.equal(delivered, 0);
});
