/**
 * Web Push end to end: a local push service (tests/helpers/push_service.ts,
 * a Deno server on 127.0.0.1) receives what Hearth sends, checks the VAPID
 * JWT against the key `GET /push/key` gives, and decrypts the payload
 * (RFC 8291) with the private key of the "browser" it made up.
 */
import assert from "node:assert/strict";
import {
  type Account,
  Api,
  signIn,
  signUp,
  withHearth,
} from "./helpers/api.ts";
import { sleep, waitFor } from "./helpers/deadline.ts";
import { FrameSocket } from "./helpers/api.ts";
import { claimPush } from "../lib/db/push.ts";
import { exportAll, toStream } from "../lib/backup/_test_fixture.ts";
import { importBackup } from "../lib/backup/import.ts";
import { png } from "../lib/files/_image_fixtures.ts";
import { startTestServer } from "./helpers/server.ts";
import { browser, withPushService } from "./helpers/push_service.ts";

async function generalOf(api: Api): Promise<string> {
  const res = await api.get("/channels");
  return res.body.find((c: { name: string }) => c.name === "general").id;
}

async function subscribe(account: Account & { api: Api }, device: unknown) {
  const res = await account.api.post("/push/subscriptions", device);
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

const LOOPBACK = ["--push-allow-http-loopback"];

Deno.test("a mention is pushed, encrypted and VAPID-signed, to a member with no page open, once per device", async () => {
  await withPushService(async (service) => {
    await withHearth(async ({ base }) => {
      const ada = await signUp(base, "ada");
      const ben = await signUp(base, "ben");
      const general = await generalOf(ada.api);
      const key = await ada.api.get("/push/key");
      assert.equal(key.status, 200);
      assert.match(key.body.publicKey, /^[A-Za-z0-9_-]{87}$/);
      // The key is generated once and kept.
      assert.equal(
        (await ben.api.get("/push/key")).body.publicKey,
        key.body.publicKey,
      );

      const phone = service.device("/ada-phone");
      await subscribe(ada, phone);
      await subscribe(ada, phone); // the same browser again: still one
      await ben.api.post(`/channels/${general}/messages`, {
        content: "Nothing for anyone",
      });
      await ben.api.post(`/channels/${general}/messages`, {
        content: "Lunch, @ada?",
      });
      await waitFor(() => service.received.length >= 1, {
        what: "the push of the mention",
      });
      await sleep(300); // room for a wrong second push to arrive
      assert.equal(service.received.length, 1);
      const [push] = service.received;
      assert.equal(push.path, "/ada-phone");
      assert.equal(push.encoding, "aes128gcm");
      assert.equal(push.key, key.body.publicKey);
      assert.equal(push.claims.aud, service.origin);
      assert.equal(typeof push.claims.sub, "string");
      assert.ok(Number(push.claims.exp) * 1000 > Date.now());
      assert.deepEqual(push.payload, {
        title: "ben in #general",
        body: "Mentioned you",
        url: `/c/${general}?m=2`,
        channelId: general,
        seq: 2,
      });
      // The text of the message stays out of the payload.
      assert.ok(!JSON.stringify(push.payload).includes("Lunch"));
    }, LOOPBACK);
  });
});

Deno.test("pushes skip members with a page open, and a 410 from the push service removes the subscription", async () => {
  await withPushService(async (service) => {
    await withHearth(async ({ base }) => {
      const ada = await signUp(base, "ada");
      const ben = await signUp(base, "ben");
      const general = await generalOf(ada.api);
      await subscribe(ada, service.device("/laptop", true));
      await subscribe(ada, service.device("/phone"));
      await ada.api.send("PUT", `/channels/${general}/notifications`, {
        json: { level: "all" },
      });

      await ben.api.post(`/channels/${general}/messages`, { content: "one" });
      await waitFor(
        () => service.received.length === 1 && service.attempts.get("/laptop"),
        { what: "a push to the phone and a try at the laptop" },
      );
      await ben.api.post(`/channels/${general}/messages`, { content: "two" });
      await waitFor(() => service.received.length === 2, {
        what: "the second push to the phone",
      });
      assert.equal(
        service.attempts.get("/laptop"),
        1,
        "gone, so not tried again",
      );

      // With a page open, the page notifies by itself: no push.
      const socket = await FrameSocket.open(base, general, ada.token);
      await socket.next("ready");
      await ben.api.post(`/channels/${general}/messages`, { content: "three" });
      await sleep(500);
      assert.equal(service.received.length, 2);
      await socket.close();
    }, LOOPBACK);
  });
});

Deno.test("without --push-allow-http-loopback nothing is sent to an http endpoint", async () => {
  await withPushService(async (service) => {
    await withHearth(async ({ base }) => {
      const ada = await signUp(base, "ada");
      const ben = await signUp(base, "ben");
      const general = await generalOf(ada.api);
      await subscribe(ada, service.device("/phone"));
      await ben.api.post(`/channels/${general}/messages`, {
        content: "Hello @ada",
      });
      await sleep(500);
      assert.equal(service.attempts.size, 0);
    });
  });
});

Deno.test("POST /push/subscriptions refuses malformed subscriptions with 422", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const keys = browser().keys;
    for (
      const body of [
        {},
        { endpoint: "ftp://push.example/x", keys },
        { endpoint: "not a url", keys },
        { endpoint: "https://push.example/x" },
        {
          endpoint: "https://push.example/x",
          keys: { p256dh: "x", auth: "y" },
        },
      ]
    ) {
      const res = await ada.api.post("/push/subscriptions", body);
      assert.equal(res.status, 422, JSON.stringify(body));
    }
    const gone = await ada.api.send("DELETE", "/push/subscriptions", {
      json: { endpoint: "https://push.example/x" },
    });
    assert.equal(gone.status, 204);
  });
});

Deno.test("claimPush() lets a message go to a device once", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    assert.equal(await claimPush(kv, "device", "channel", 1), true);
    assert.equal(await claimPush(kv, "device", "channel", 1), false);
    assert.equal(await claimPush(kv, "other", "channel", 1), true);
    assert.equal(await claimPush(kv, "device", "channel", 2), true);
  } finally {
    kv.close();
  }
});

Deno.test("GET /sw.js serves the service worker for the root scope with its own CSP", async () => {
  await withHearth(async ({ base }) => {
    const res = await fetch(new URL("/sw.js", base));
    const source = await res.text();
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal(
      res.headers.get("content-security-policy"),
      "default-src 'self'",
    );
    assert.equal(res.headers.get("service-worker-allowed"), "/");
    assert.equal(res.headers.get("cache-control"), "no-cache");
    assert.match(source, /addEventListener\("push"/);
    assert.match(source, /addEventListener\("notificationclick"/);
  });
});

Deno.test("a restored backup pushes to the same browsers with the same key, keeps mutes and serves the same avatars", async () => {
  const dir = await Deno.makeTempDir();
  const db = `${dir}/restored.db`;
  try {
    await withPushService(async (service) => {
      const phone = service.device("/ada-phone");
      let lines: string[] = [];
      let publicKey = "";
      let avatarUrl = "";
      let avatar = new Uint8Array();
      let general = "";
      let quiet = "";
      await withHearth(async ({ base, services }) => {
        const ada = await signUp(base, "ada");
        await signUp(base, "ben");
        general = await generalOf(ada.api);
        publicKey = (await ada.api.get("/push/key")).body.publicKey;
        await subscribe(ada, phone);
        const room = await ada.api.post("/channels", { name: "quiet" });
        quiet = room.body.id;
        const muted = await ada.api.send(
          "PUT",
          `/channels/${quiet}/notifications`,
          {
            json: { muted: true },
          },
        );
        assert.equal(muted.status, 200, JSON.stringify(muted.body));
        const form = new FormData();
        form.set("file", new File([png(40, 40)], "me.png"));
        const put = await ada.api.send("PUT", "/me/avatar", { body: form });
        assert.equal(put.status, 200, JSON.stringify(put.body));
        avatarUrl = put.body.avatarUrl;
        const res = await fetch(new URL(avatarUrl, base), {
          headers: { authorization: `Bearer ${ada.token}` },
        });
        avatar = new Uint8Array(await res.arrayBuffer());
        lines = await exportAll(services.kv);
      }, LOOPBACK);
      {
        using kv = await Deno.openKv(db);
        await importBackup(kv, toStream(lines));
      }

      const server = await startTestServer(["--db", db, ...LOOPBACK], {
        passwordCost: 4,
      });
      try {
        const password = "correct horse battery";
        const ben = new Api(
          server.base,
          await signIn(server.base, "ben", password),
        );
        const ada = new Api(
          server.base,
          await signIn(server.base, "ada", password),
        );
        assert.equal((await ben.get("/push/key")).body.publicKey, publicKey);
        const res = await fetch(new URL(avatarUrl, server.base), {
          headers: { authorization: `Bearer ${ben.token}` },
        });
        assert.equal(res.status, 200);
        assert.deepEqual(new Uint8Array(await res.arrayBuffer()), avatar);
        const room = (await ada.get("/channels")).body.find((
          c: { id: string },
        ) => c.id === quiet);
        assert.equal(room.muted, true);

        // The browser subscribed before the backup still gets its pushes,
        // signed with the same key; the muted channel stays silent.
        assert.equal((await ben.post(`/channels/${quiet}/join`)).status, 200);
        await ben.post(`/channels/${quiet}/messages`, { content: "@ada psst" });
        await ben.post(`/channels/${general}/messages`, {
          content: "Back up, @ada?",
        });
        await waitFor(() => service.received.length >= 1, {
          what: "the push after the restore",
        });
        await sleep(300); // room for a wrong push from the muted channel
        assert.equal(service.received.length, 1);
        assert.equal(service.received[0].path, "/ada-phone");
        assert.equal(service.received[0].key, publicKey);
        assert.equal(service.received[0].payload.channelId, general);
      } finally {
        await server.shutdown();
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
