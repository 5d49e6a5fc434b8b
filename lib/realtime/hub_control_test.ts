import assert from "node:assert/strict";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { delay } from "./_test_helpers.ts";
import { type ControlMessage, Hub, type HubEvent } from "./hub.ts";

Deno.test("Hub control messages reach this hub and, relayed, the others; never a channel", async () => {
  const relay = `hearth-test-${crypto.randomUUID()}`;
  const [a, b] = [new Hub({ relay }), new Hub({ relay })];
  const heard: string[] = [];
  const channelEvents: HubEvent[] = [];
  const text = (m: ControlMessage) =>
    m.type === "revoked"
      ? m.jti
      : m.type === "banned"
      ? `ban ${m.userId}`
      : m.type === "friends"
      ? `friends ${m.userId}`
      : m.type === "bots"
      ? "bots"
      : m.type === "timeout"
      ? `timeout ${m.userId}`
      : m.type === "user"
      ? `user ${m.userId}`
      : m.type === "online"
      ? `online ${m.from}`
      : `${m.userId} in ${m.channelId}`;
  a.onControl((m) => heard.push(`a:${text(m)}`));
  const off = b.onControl((m) => heard.push(`b:${text(m)}`));
  b.subscribe("\u0000control", (e) => channelEvents.push(e));
  try {
    a.announce({ type: "revoked", jti: "t1" });
    a.announce({ type: "joined", userId: "u1", channelId: "c1" });
    a.announce({ type: "banned", userId: "u2" });
    a.announce({ type: "friends", userId: "u3" });
    a.announce({ type: "bots" });
    a.announce({ type: "timeout", userId: "u4" });
    a.announce({ type: "user", userId: "u5" });
    await waitFor(() => heard.length >= 14, { what: "All messages in b" });
    assert.deepEqual(heard, [
      "a:t1",
      "a:u1 in c1",
      "a:ban u2",
      "a:friends u3",
      "a:bots",
      "a:timeout u4",
      "a:user u5",
      "b:t1",
      "b:u1 in c1",
      "b:ban u2",
      "b:friends u3",
      "b:bots",
      "b:timeout u4",
      "b:user u5",
    ]);
    off();
    a.announce({ type: "revoked", jti: "t2" });
    // A window for the relay to reach b, to prove b no longer hears it.
    await delay(50);
    assert.deepEqual(heard.slice(14), ["a:t2"]);
    assert.deepEqual(channelEvents, []);
  } finally {
    a.close();
    b.close();
  }
});
