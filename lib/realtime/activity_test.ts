import assert from "node:assert/strict";
import { ActivityWatch } from "./activity.ts";
import {
  channelDeletedEvent,
  channelUpdatedEvent,
  Hub,
  memberEvent,
  messageEvent,
  typingEvent,
} from "./hub.ts";
import { waitFor } from "../../tests/helpers/deadline.ts";
import { delay, makeMessage } from "./_test_helpers.ts";

function watcher(intervalMs = 40) {
  const hub = new Hub();
  const sent: { channelId: string; lastSeq: number }[] = [];
  const watch = new ActivityWatch(
    hub,
    "me",
    (text) => sent.push(JSON.parse(text)),
    { intervalMs, except: "home" },
  );
  return { hub, sent, watch };
}

const message = (channelId: string, seq: number) =>
  messageEvent(makeMessage(channelId, seq));

Deno.test("ActivityWatch sends a channel's latest seq at once, then at most once per interval", async () => {
  const { hub, sent, watch } = watcher();
  watch.watch(["b", "c"]);
  hub.publish("b", message("b", 1));
  assert.deepEqual(sent, [{ type: "activity", channelId: "b", lastSeq: 1 }]);
  hub.publish("b", message("b", 2));
  hub.publish("b", message("b", 3));
  // Other kinds of event and channels not watched say nothing.
  hub.publish("b", typingEvent({ id: "u2" }));
  hub.publish("x", message("x", 9));
  hub.publish("c", message("c", 5));
  assert.equal(sent.length, 2);
  await waitFor(() => sent.length >= 3, {
    what: "The batched activity after one interval",
  });
  assert.deepEqual(sent.slice(1), [
    { type: "activity", channelId: "c", lastSeq: 5 },
    { type: "activity", channelId: "b", lastSeq: 3 },
  ]);
  watch.close();
  hub.close();
});

Deno.test("ActivityWatch stops hearing a channel the user left, and everything once closed", async () => {
  const { hub, sent, watch } = watcher();
  watch.watch(["b", "c"]);
  hub.publish("b", memberEvent("someone-else", false));
  assert.deepEqual(watch.channels, ["b", "c"]);
  hub.publish("b", memberEvent("me", false));
  assert.deepEqual(watch.channels, ["c"]);
  assert.equal(hub.listenerCount("b"), 0);
  hub.publish("b", message("b", 1));
  hub.publish("c", message("c", 1));
  hub.publish("c", message("c", 2)); // due in 40 ms
  watch.close();
  // Past the interval, to prove nothing is sent once closed.
  await delay(60);
  assert.deepEqual(sent, [
    { type: "channel_removed", channelId: "b", reason: "left" },
    { type: "activity", channelId: "c", lastSeq: 1 },
  ]);
  assert.equal(hub.listenerCount("c"), 0);
  watch.watch(["d"]);
  assert.deepEqual(watch.channels, []);
  hub.close();
});

Deno.test("ActivityWatch starts watching a channel its user joins, but never its own", () => {
  const { hub, sent, watch } = watcher();
  watch.watch(["home", "b"]);
  assert.deepEqual(watch.channels, ["b"]);
  hub.announce({ type: "joined", userId: "someone-else", channelId: "x" });
  hub.announce({ type: "joined", userId: "me", channelId: "home" });
  hub.announce({ type: "joined", userId: "me", channelId: "d" });
  assert.deepEqual(watch.channels, ["b", "d"]);
  hub.publish("d", message("d", 7));
  assert.deepEqual(sent, [{ type: "activity", channelId: "d", lastSeq: 7 }]);
  watch.close();
  hub.announce({ type: "joined", userId: "me", channelId: "e" });
  assert.deepEqual(watch.channels, []);
  hub.close();
});

Deno.test("ActivityWatch tells the page of channels added, renamed, removed and deleted", () => {
  const { hub, sent, watch } = watcher();
  watch.watch(["b", "c"]);
  const d = { id: "d", name: "dee", topic: "", private: true };
  hub.announce({ type: "joined", userId: "me", channelId: "d", channel: d });
  // Joining a channel the page already knows says nothing new.
  hub.announce({
    type: "joined",
    userId: "me",
    channelId: "b",
    channel: { ...d, id: "b" },
  });
  hub.publish("b", channelUpdatedEvent({ ...d, id: "b", name: "bee" }));
  hub.publish("c", memberEvent("me", false, undefined, true));
  hub.publish("d", channelDeletedEvent("d"));
  assert.deepEqual(sent, [
    { type: "channel_added", channel: d },
    {
      type: "channel_updated",
      channel: { id: "b", name: "bee", topic: "", private: true },
    },
    { type: "channel_removed", channelId: "c", reason: "removed" },
    { type: "channel_removed", channelId: "d", reason: "deleted" },
  ]);
  assert.deepEqual(watch.channels, ["b"]);
  watch.close();
  hub.close();
});

Deno.test("ActivityWatch tells the page when its user's friends change, and nobody else's", () => {
  const { hub, sent, watch } = watcher();
  hub.announce({ type: "friends", userId: "someone else" });
  hub.announce({ type: "friends", userId: "me" });
  assert.deepEqual(sent, [{ type: "friends_changed" }]);
  watch.close();
  hub.announce({ type: "friends", userId: "me" });
  assert.equal(sent.length, 1);
  hub.close();
});
