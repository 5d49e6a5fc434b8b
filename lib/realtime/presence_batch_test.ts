import assert from "node:assert/strict";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { Hub, type HubEvent, presenceEvent } from "./hub.ts";
import {
  PRESENCE_CHANGES_MAX,
  PRESENCE_WINDOW_MS,
  presenceWindowMs,
} from "./_presence_batch.ts";

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
    hub.publish("c", change("ann", false)); // came and went: offline
    hub.publish("c", change("cy", false));
    hub.publish("c", change("bo", false));
    hub.publish("c", change("bo", true)); // went and came back: online
    assert.equal(heard.length, 0, "nothing before the window ends");
    await waitFor(() => heard.length === 2, { what: "one batch per listener" });
    assert.equal(heard[0], heard[1], "one event (and frame text) for all");
    assert.deepEqual(JSON.parse(heard[0].frameText), {
      type: "presence",
      changes: [
        { userId: "ann", online: false },
        { userId: "bo", online: true },
        { userId: "cy", online: false },
      ],
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

Deno.test("Someone who came and went within a window is still sent, with the latest state: a socket that opened in between saw them online", async () => {
  const hub = new Hub({ presence: { windowMs: 10 } });
  const heard: HubEvent[] = [];
  hub.subscribe("c", (e) => heard.push(e));
  try {
    hub.publish("c", change("ann", true));
    hub.publish("c", change("ann", false));
    await waitFor(() => heard.length === 1, { what: "the batch" });
    assert.deepEqual(JSON.parse(heard[0].frameText).changes, [
      { userId: "ann", online: false },
    ]);
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

Deno.test("The presence window grows by its length per started 1,000 listeners", () => {
  assert.equal(presenceWindowMs(0), PRESENCE_WINDOW_MS);
  assert.equal(presenceWindowMs(1000), PRESENCE_WINDOW_MS);
  assert.equal(presenceWindowMs(1001), 2 * PRESENCE_WINDOW_MS);
  assert.equal(presenceWindowMs(10_000), 10 * PRESENCE_WINDOW_MS);
  assert.equal(presenceWindowMs(2500, 20), 60);
});

Deno.test("A channel with many listeners hears its presence batch after a longer window", async () => {
  const windowMs = 40;
  const hub = new Hub({ presence: { windowMs } });
  const heard: number[] = [];
  const started = performance.now();
  const small = "small";
  hub.subscribe(small, () => heard.push(performance.now() - started));
  // 2,001 listeners: three windows.
  const big: number[] = [];
  for (let i = 0; i < 2001; i++) {
    hub.subscribe(
      "big",
      () => i === 0 && big.push(performance.now() - started),
    );
  }
  try {
    hub.publish(small, change("ann", true));
    hub.publish("big", change("ann", true));
    await waitFor(() => heard.length === 1, { what: "the small batch" });
    assert.equal(big.length, 0, "the big channel's window is still open");
    await waitFor(() => big.length === 1, { what: "the big batch" });
    assert.ok(big[0] >= 3 * windowMs - 5, `big batch after ${big[0]} ms`);
  } finally {
    hub.close();
  }
});

Deno.test("A window with more changes than a frame lists sends the online count and how many were left out", async () => {
  const hub = new Hub({ presence: { windowMs: 20, onlineCount: () => 150 } });
  const heard: HubEvent[] = [];
  hub.subscribe("c", (e) => heard.push(e));
  try {
    for (let i = 0; i <= PRESENCE_CHANGES_MAX; i++) {
      hub.publish("c", change(`user-${i}`, true));
    }
    await waitFor(() => heard.length === 1, { what: "the crowd's frame" });
    assert.deepEqual(JSON.parse(heard[0].frameText), {
      type: "presence",
      changes: [],
      onlineCount: 150,
      omitted: PRESENCE_CHANGES_MAX + 1,
    });
    // Exactly the most a frame lists still goes as a list.
    for (let i = 0; i < PRESENCE_CHANGES_MAX; i++) {
      hub.publish("c", change(`user-${i}`, false));
    }
    await waitFor(() => heard.length === 2, { what: "the listed frame" });
    assert.equal(
      JSON.parse(heard[1].frameText).changes.length,
      PRESENCE_CHANGES_MAX,
    );
  } finally {
    hub.close();
  }
});
