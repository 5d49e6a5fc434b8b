import assert from "node:assert/strict";
import { waitFor, withDeadline } from "../../tests/helpers/deadline.ts";
import { type ControlMessage, Hub, type HubEvent, typingEvent } from "./hub.ts";

// Two hubs relaying only through KV, each on its own handle of one file.
async function withTwoHubs(
  body: (a: Hub, b: Hub) => Promise<void>,
): Promise<void> {
  const path = await Deno.makeTempFile({ suffix: ".db" });
  const [kvA, kvB] = [await Deno.openKv(path), await Deno.openKv(path)];
  const [a, b] = [new Hub({ kvRelay: kvA }), new Hub({ kvRelay: kvB })];
  try {
    await body(a, b);
  } finally {
    await Promise.all([a.relaySettled(), b.relaySettled()]);
    a.close();
    b.close();
    kvA.close();
    kvB.close();
    await Deno.remove(path);
  }
}

Deno.test("kv.watch on a second handle of one file sees the first handle's writes (what the KV relay rests on)", async () => {
  const path = await Deno.makeTempFile({ suffix: ".db" });
  const [writer, watcher] = [await Deno.openKv(path), await Deno.openKv(path)];
  const reader = watcher.watch<number[]>([["probe"]]).getReader();
  try {
    assert.equal((await reader.read()).value?.[0].value, null);
    await writer.set(["probe"], 1);
    const seen = await withDeadline(reader.read(), 5000, "the watch seeing 1");
    assert.equal(seen.value?.[0].value, 1);
  } finally {
    await reader.cancel();
    writer.close();
    watcher.close();
    await Deno.remove(path);
  }
});

Deno.test("KV relay: channel events reach the other hub's listeners of that channel once, across watch groups", async () => {
  await withTwoHubs(async (a, b) => {
    // Twelve channels on b: more than one watch call's ten keys hold.
    const heard = new Map<string, HubEvent[]>();
    const stops = Array.from({ length: 12 }, (_, i) => {
      const id = `ch${i}`;
      heard.set(id, []);
      return b.subscribe(id, (event) => heard.get(id)!.push(event));
    });
    const local: HubEvent[] = [];
    a.subscribe("ch11", (event) => local.push(event));
    // b's watches open asynchronously; publish until each channel hears.
    for (let i = 0; i < 12; i++) {
      await waitFor(async () => {
        if (heard.get(`ch${i}`)!.length > 0) return true;
        a.publish(`ch${i}`, typingEvent({ id: `u${i}` }));
        await a.relaySettled();
        await new Promise((r) => setTimeout(r, 50));
        return false;
      }, { what: `a typing notice on ch${i} reaching b` });
    }
    const before = heard.get("ch3")!.length;
    a.publish("ch3", typingEvent({ id: "last" }));
    await waitFor(() => heard.get("ch3")!.length > before, {
      what: "one more notice",
    });
    const last = heard.get("ch3")!.filter((e) =>
      e.kind === "typing" && e.userId === "last"
    );
    assert.equal(last.length, 1);
    // a hears its own publish once: locally, never read back from KV.
    a.publish("ch11", typingEvent({ id: "own" }));
    await waitFor(
      () =>
        heard.get("ch11")!.some((e) =>
          e.kind === "typing" && e.userId === "own"
        ),
      { what: "a's notice reaching b" },
    );
    await new Promise((r) => setTimeout(r, 200));
    const own = local.filter((e) => e.kind === "typing" && e.userId === "own");
    assert.equal(own.length, 1);
    // A channel b stops listening to is no longer delivered.
    stops[5]();
    assert.equal(b.listenerCount("ch5"), 0);
    for (const stop of stops) stop();
  });
});

Deno.test("KV relay: control messages reach every other hub once, in order", async () => {
  await withTwoHubs(async (a, b) => {
    const atA: ControlMessage[] = [];
    const atB: ControlMessage[] = [];
    a.onControl((m) => atA.push(m));
    b.onControl((m) => atB.push(m));
    // Let b's control watch open before the first announcement.
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 20; i++) a.announce({ type: "revoked", jti: `j${i}` });
    b.announce({ type: "banned", userId: "u1" });
    await waitFor(() => atB.length >= 21 && atA.length >= 21, {
      what: "every announcement on both hubs",
    });
    await a.relaySettled();
    await new Promise((r) => setTimeout(r, 200));
    const jtis = (list: ControlMessage[]) =>
      list.flatMap((m) => m.type === "revoked" ? [m.jti] : []);
    const expected = Array.from({ length: 20 }, (_, i) => `j${i}`);
    assert.deepEqual(jtis(atB), expected);
    assert.deepEqual(jtis(atA), expected);
    assert.equal(atA.filter((m) => m.type === "banned").length, 1);
    assert.equal(atB.filter((m) => m.type === "banned").length, 1);
  });
});
