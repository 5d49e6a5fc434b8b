import assert from "node:assert/strict";
import { createChannel, getChannel } from "../db/channels.ts";
import { joinChannel } from "../db/members.ts";
import { setNotificationSetting } from "../db/notifications.ts";
import { saveSubscription } from "../db/push.ts";
import type { Services } from "../services.ts";
import type { Message } from "../shared/wire.ts";
import { account, withServices } from "./_test_services.ts";
import { pushMessage } from "./push.ts";

// A KV whose reads are counted, key by key, so a test can see what a use
// case costs as a channel grows.
function countingKv(kv: Deno.Kv): { kv: Deno.Kv; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(kv, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== "function") return value;
      if (name === "get") reads++;
      if (name === "getMany") {
        return (keys: Deno.KvKey[], ...rest: unknown[]) => {
          reads += keys.length;
          return value.call(target, keys, ...rest);
        };
      }
      if (name === "list") {
        return (...args: unknown[]) => {
          const rows = value.apply(target, args) as AsyncIterable<unknown>;
          return (async function* () {
            for await (const row of rows) {
              reads++;
              yield row;
            }
          })();
        };
      }
      return value.bind(target);
    },
  });
  return { kv: proxy, reads: () => reads };
}

// A stored message "hello" by `author` in `channelId`, mentioning nobody.
function hello(
  author: { id: string; username: string },
  channelId: string,
): Message {
  return {
    id: crypto.randomUUID(),
    channelId,
    seq: 1,
    rev: 1,
    author: { id: author.id, username: author.username, displayName: "Ada" },
    content: "hello",
    createdAt: new Date().toISOString(),
    file: null,
    reactions: [],
    mentions: [],
  };
}

Deno.test("pushMessage() reads rows of subscribed people only, not of every member", () =>
  withServices(async (services) => {
    const ada = await account(services, "ada");
    const room = await createChannel(services.kv, ada.id, { name: "room" });
    const members = [];
    for (let i = 0; i < 200; i++) {
      const person = await account(services, `member${i}`);
      await joinChannel(services.kv, room.id, person.id);
      members.push(person);
    }
    const channel = (await getChannel(services.kv, room.id))!;
    const message = hello(ada, room.id);
    const counted = countingKv(services.kv);
    const measured: Services = { ...services, kv: counted.kv };

    await pushMessage(measured, channel, message);
    assert.equal(counted.reads(), 0, "nobody subscribed: no row to read");

    // One member subscribes, but wants nothing from this channel: the
    // push reads that member's rows only, and sends nothing.
    const [bea] = members;
    await saveSubscription(
      services.kv,
      bea.id,
      "https://push.example/bea",
      { p256dh: "p", auth: "a" },
    );
    await setNotificationSetting(services.kv, channel, bea.id, {
      level: "none",
    });
    // Past the subscriber list's lifetime in this instance's memory.
    const before = counted.reads();
    const later = Date.now() + 60_000;
    const realNow = Date.now;
    Date.now = () => later;
    try {
      await pushMessage(measured, channel, { ...message, seq: 2 });
    } finally {
      Date.now = realNow;
    }
    const cost = counted.reads() - before;
    assert.ok(cost >= 2 && cost <= 5, `one subscriber cost ${cost} reads`);
  }));

Deno.test("pushMessage() passes over a member online on another instance, as one online here", () =>
  withServices(async (services) => {
    const ada = await account(services, "ada");
    const bea = await account(services, "bea");
    const room = await createChannel(services.kv, ada.id, { name: "room" });
    await joinChannel(services.kv, room.id, bea.id);
    await saveSubscription(
      services.kv,
      bea.id,
      "https://push.example/bea",
      { p256dh: "p", auth: "a" },
    );
    // Pushed only when mentioned: the message below mentions nobody, so
    // nothing is sent, but her rows are read while she counts as offline.
    const channel = (await getChannel(services.kv, room.id))!;
    await setNotificationSetting(services.kv, channel, bea.id, {
      level: "mentions",
    });
    const message = hello(ada, room.id);
    const counted = countingKv(services.kv);
    const measured: Services = { ...services, kv: counted.kv };
    const cost = async (seq: number) => {
      const before = counted.reads();
      await pushMessage(measured, channel, { ...message, seq });
      return counted.reads() - before;
    };
    await cost(1);
    assert.ok(await cost(2) > 0, "offline: her rows are read");
    services.presence.setRemote(bea.id, true);
    assert.equal(await cost(3), 0, "online elsewhere: passed over");
    services.presence.setRemote(bea.id, false);
    assert.ok(await cost(4) > 0, "offline again");
  }));
