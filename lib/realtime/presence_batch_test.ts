import assert from "node:assert/strict";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { Hub, type HubEvent, presenceEvent } from "./hub.ts";

const change = (userId: string, online: boolean) =>
  presenceEvent([{ userId, online }]);

Deno.test("Presence reaches a channel's listeners in one batch per window, the latest state per user", async () => {
  const counts = new Map([["c", 2]]);
  const hub = new Hub({
    presence: { windowMs: 30, onlineCount: (id) => counts.get(id) },
  });
  const heard: HubEvent[] = [];
  const other: HubEvent[] = [];
  hub.subscribe("c", (e) => heard.push(e));
  hub.subscribe("c", (e) => heard.push(e));
  hub.subscribe("d", (e) => other.push(e));
  try {
    hub.publish("c", change("ann", true));
    hub.publish("c", change("bo", true));
    hub.publish("c", change("ann", false)); // came and went: left out
    hub.publish("c", change("cy", false));
    hub.publish("c", change("bo", false));
    hub.publish("c", change("bo", true)); // went and came back: online
    assert.equal(heard.length, 0, "nothing before the window ends");
    await waitFor(() => heard.length === 2, { what: "one batch per listener" });
    assert.equal(heard[0], heard[1], "one event (and frame text) for all");
    assert.deepEqual(JSON.parse(heard[0].frameText), {
      type: "presence",
      changes: [{ userId: "bo", online: true }, {
        userId: "cy",
        online: false,
      }],
      onlineCount: 2,
    });
    assert.equal(other.length, 0);
    // A new window opens with the next change.
    hub.publish("c", change("dee", true));
    await waitFor(() => heard.length === 4, { what: "the second batch" });
    assert.deepEqual(
      JSON.parse(heard[2].frameText).changes,
      [{ userId: "dee", online: true }],
    );
  } finally {
    hub.close();
  }
});

Deno.test("Presence that changes nothing in its window sends no frame", async () => {
  const hub = new Hub({ presence: { windowMs: 10 } });
  const heard: HubEvent[] = [];
  hub.subscribe("c", (e) => heard.push(e));
  try {
    hub.publish("c", change("ann", true));
    hub.publish("c", change("ann", false));
    // Well past the window.
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.deepEqual(heard, []);
  } finally {
    hub.close();
  }
});

Deno.test("Hub.close() drops pending presence batches", () => {
  const hub = new Hub({ presence: { windowMs: 10_000 } });
  hub.subscribe("c", () => {});
  hub.publish("c", change("ann", true));
  // The test's own leak check fails if the window's timer outlives close().
  hub.close();
});
