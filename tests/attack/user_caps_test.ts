/**
 * Per-user caps: one account cannot post, create channels or open sockets
 * without bound. Each refusal is a 429 `rate_limited` with `Retry-After`; a
 * refused socket frame says which `clientId` it was. With the caps off
 * (`HEARTH_USER_LIMITS=off`, for load tests) the server says so at start.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  FrameSocket,
  signUp,
  socketUrl,
  upgradeStatus,
  withHearth,
} from "../helpers/api.ts";
import { spawnHearth } from "../helpers/process.ts";
import type { UserLimits } from "../../lib/chat/user_limits.ts";

const TIGHT: UserLimits = {
  enabled: true,
  messagesPerSecond: 1,
  messageBurst: 3,
  channelsPerHour: 2,
  socketsPerUser: 2,
  storageBytes: 1024 * 1024,
};

Deno.test("past the message burst a post is 429 rate_limited with Retry-After", async () => {
  await withHearth(
    async ({ base }) => {
      const { api } = await signUp(base);
      const channel = await createChannel(api);
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const res = await api.post(`/channels/${channel.id}/messages`, {
          content: `hello ${i}`,
        });
        statuses.push(res.status);
        if (res.status === 429) {
          assert.equal(res.body.code, "rate_limited");
          assert.ok(Number(res.headers.get("retry-after")) >= 1);
        }
      }
      assert.deepEqual(statuses, [201, 201, 201, 429]);
      // Another user has a budget of their own.
      const other = await signUp(base);
      await other.api.post(`/channels/${channel.id}/join`);
      const res = await other.api.post(`/channels/${channel.id}/messages`, {
        content: "me too",
      });
      assert.equal(res.status, 201);
    },
    [],
    { userLimits: TIGHT },
  );
});

Deno.test("a socket message past the burst gets an error frame with its clientId and retryAfter", async () => {
  await withHearth(
    async ({ base }) => {
      const { api, token } = await signUp(base);
      const channel = await createChannel(api);
      const socket = await FrameSocket.open(base, channel.id, token);
      try {
        for (let i = 0; i < 4; i++) {
          socket.send({
            type: "message",
            content: `m${i}`,
            clientId: `c-${i}`,
          });
        }
        const error = await socket.next("error");
        assert.equal(error.code, "rate_limited");
        assert.equal(error.clientId, "c-3");
        assert.ok((error.retryAfter ?? 0) >= 1);
      } finally {
        await socket.close();
      }
    },
    [],
    { userLimits: TIGHT },
  );
});

Deno.test("past --user-channels-per-hour creating a channel is 429; a refused name costs nothing", async () => {
  await withHearth(
    async ({ base }) => {
      const { api } = await signUp(base);
      const first = await createChannel(api);
      const taken = await api.post("/channels", { name: first.name });
      assert.equal(taken.status, 409);
      await createChannel(api);
      const third = await api.post("/channels", { name: "one-too-many" });
      assert.equal(third.status, 429);
      assert.equal(third.body.code, "rate_limited");
      assert.ok(Number(third.headers.get("retry-after")) > 60);
    },
    [],
    { userLimits: TIGHT },
  );
});

Deno.test("past --user-sockets an upgrade is 429 until one of the user's sockets closes", async () => {
  await withHearth(
    async ({ base }) => {
      const { api, token } = await signUp(base);
      const channel = await createChannel(api);
      const open = [
        await FrameSocket.open(base, channel.id, token),
        await FrameSocket.open(base, channel.id, token),
      ];
      const url = socketUrl(base, channel.id, token);
      assert.equal(await upgradeStatus(url), 429);
      await open.pop()!.close();
      // The count drops when the server sees the close, a moment after the client.
      let status = 0;
      for (let i = 0; i < 50 && status !== 101; i++) {
        status = await upgradeStatus(url);
        if (status !== 101) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 101);
      await open[0].close();
    },
    [],
    { userLimits: TIGHT },
  );
});

Deno.test("HEARTH_USER_LIMITS=off: the server says at start that the per-user limits are off", async () => {
  const server = await spawnHearth({
    db: ":memory:",
    env: { HEARTH_USER_LIMITS: "off" },
  });
  try {
    assert.ok(
      server.output().some((line) => /Per-user limits .* are OFF/.test(line)),
      server.output().join("\n"),
    );
  } finally {
    await server.stop();
  }
});

Deno.test("/browse pages the channel list: 100 a page, with Next and First page links", async () => {
  await withHearth(async ({ base }) => {
    const { api, token } = await signUp(base);
    for (let i = 0; i < 120; i++) {
      await createChannel(api, `room-${String(i).padStart(3, "0")}`);
    }
    const browse = async (path: string) => {
      const res = await fetch(new URL(path, base), {
        headers: { cookie: `hearth_token=${token}`, accept: "text/html" },
      });
      assert.equal(res.status, 200);
      return await res.text();
    };
    const items = (html: string) => html.match(/class="browse-item"/g)?.length;
    const first = await browse("/browse");
    assert.equal(items(first), 100);
    const next = first.match(/href="(\/browse\?after=[^"]+)"/)?.[1];
    assert.ok(next, "no Next page link");
    // `general` and 120 rooms: 21 are left for the second page.
    const second = await browse(next.replaceAll("&amp;", "&"));
    assert.equal(items(second), 21);
    assert.match(second, /href="\/browse">First page</);
    assert.doesNotMatch(second, /Next page/);
  });
});

Deno.test("--user-storage-mb caps the bytes one user shares, even with the other caps off", async () => {
  await withHearth(
    async ({ base }) => {
      const { api, token } = await signUp(base);
      const channel = await createChannel(api);
      const upload = async (kib: number) => {
        const form = new FormData();
        form.append("file", new Blob([new Uint8Array(kib * 1024)]), "a.bin");
        const res = await fetch(
          new URL(`/channels/${channel.id}/files`, base),
          {
            method: "POST",
            headers: { authorization: `Bearer ${token}` },
            body: form,
          },
        );
        const body = await res.json();
        return `${res.status} ${res.status === 201 ? "" : body.code}`.trim();
      };
      assert.equal(await upload(60), "201");
      // 40 KiB are left: a bigger file is refused as it crosses them.
      assert.equal(await upload(60), "413 file_too_large");
      assert.equal(await upload(40), "201");
      assert.equal(await upload(1), "413 storage_quota_exceeded");
    },
    [],
    { userLimits: { ...TIGHT, enabled: false, storageBytes: 100 * 1024 } },
  );
});
