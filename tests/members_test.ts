/**
 * The member list at scale: `GET /channels/{id}/members` pages (cursor,
 * online, q), `ready` carries counts and at most 100 online members, and
 * presence reaches sockets in batches.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  delay,
  FrameSocket,
  signUp,
  type TestServer,
  withHearth,
} from "./helpers/api.ts";
import { createUser } from "../lib/db/users.ts";
import { signToken } from "../lib/auth/token.ts";
import type { PresenceFrame } from "../lib/shared/wire.ts";

interface PageMember {
  id: string;
  username: string;
  online: boolean;
}

/** `count` accounts written straight into the store (all in general), with tokens. */
async function crowd(server: TestServer, prefix: string, count: number) {
  const { kv, signingKey } = server.services;
  return await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const user = await createUser(kv, {
        username: `${prefix}${String(i).padStart(3, "0")}`,
        passwordHash: "x",
      });
      const { token } = await signToken(signingKey, user.id, 3600);
      return { ...user, token };
    }),
  );
}

/** The id of the general channel, which every account is in. */
async function generalOf(
  api: { get(path: string): Promise<{ body: unknown }> },
): Promise<string> {
  const channels = (await api.get("/channels")).body as {
    id: string;
    name: string;
  }[];
  return channels.find((c) => c.name === "general")!.id;
}

Deno.test("GET /channels/{id}/members pages by username: a cursor walk sees everyone once", async () => {
  await withHearth(async (server) => {
    const ada = await signUp(server.base, "aaa_ada");
    await crowd(server, "m", 250);
    const general = await generalOf(ada.api);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0;; pages++) {
      assert.ok(pages < 20, "the walk ends");
      const query: string = cursor === null ? "" : `&cursor=${cursor}`;
      const page = await ada.api.get(
        `/channels/${general}/members?limit=37${query}`,
      );
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.equal(page.body.memberCount, 251);
      assert.ok(page.body.members.length <= 37);
      seen.push(...page.body.members.map((m: PageMember) => m.username));
      cursor = page.body.nextCursor;
      if (cursor === null) break;
    }
    assert.equal(seen.length, 251);
    assert.equal(new Set(seen).size, 251);
    assert.deepEqual(seen, [...seen].sort());
    // Without a limit, 50 come; past 200, 200.
    const plain = await ada.api.get(`/channels/${general}/members`);
    assert.equal(plain.body.members.length, 50);
    const big = await ada.api.get(`/channels/${general}/members?limit=999`);
    assert.equal(big.body.members.length, 200);
  });
});

Deno.test("GET /channels/{id}/members filters by presence and by name prefix", async () => {
  await withHearth(async (server) => {
    const ada = await signUp(server.base, "aaa_ada");
    const people = await crowd(server, "m", 150);
    const general = await generalOf(ada.api);
    const sockets = await Promise.all(
      [people[5], people[120]].map((p) =>
        FrameSocket.open(server.base, general, p.token)
      ),
    );
    try {
      await Promise.all(sockets.map((s) => s.next("ready")));
      const online = await ada.api.get(
        `/channels/${general}/members?online=true`,
      );
      assert.deepEqual(
        online.body.members.map((m: PageMember) => [m.username, m.online]),
        [["m005", true], ["m120", true]],
      );
      assert.equal(online.body.onlineCount, 2);
      assert.equal(online.body.nextCursor, null);
      const offline = await ada.api.get(
        `/channels/${general}/members?online=false&limit=200`,
      );
      assert.equal(offline.body.members.length, 149);
      assert.ok(offline.body.members.every((m: PageMember) => !m.online));
      // q matches the start of a username or display name, ignoring case.
      const named = await ada.api.get(
        `/channels/${general}/members?q=M1&limit=200`,
      );
      const names = named.body.members.map((m: PageMember) => m.username);
      assert.equal(names.length, 50);
      assert.ok(names.every((n: string) => n.startsWith("m1")));
      const both = await ada.api.get(
        `/channels/${general}/members?q=m12&online=true`,
      );
      assert.deepEqual(
        both.body.members.map((m: PageMember) => m.username),
        ["m120"],
      );
      const none = await ada.api.get(`/channels/${general}/members?q=zz`);
      assert.deepEqual(none.body, {
        members: [],
        nextCursor: null,
        memberCount: 151,
        onlineCount: 2,
      });
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  });
});

Deno.test("GET /channels/{id}/members refuses a bad cursor, limit or online with 422, and non-members with 403", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const general = await generalOf(ada.api);
    for (
      const query of [
        "cursor=!!",
        "cursor=zzzz",
        `cursor=${"A".repeat(80)}`,
        "limit=0",
        "limit=abc",
        "limit=-3",
        "online=yes",
        `q=${"a".repeat(40)}`,
      ]
    ) {
      const answer = await ada.api.get(`/channels/${general}/members?${query}`);
      assert.equal(answer.status, 422, query);
      assert.equal(answer.body.code, "validation_failed", query);
    }
    const secret = await createChannel(ada.api, undefined, { private: true });
    const refused = await bo.api.get(`/channels/${secret.id}/members`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "not_member");
  });
});

Deno.test("ready carries the counts and at most the first 100 online members", async () => {
  await withHearth(async (server) => {
    const ada = await signUp(server.base, "aaa_ada");
    const people = await crowd(server, "m", 130);
    const general = await generalOf(ada.api);
    // 120 of them online (plus the watcher), 10 not.
    const sockets = await Promise.all(
      people.slice(0, 120).map((p) =>
        FrameSocket.open(server.base, general, p.token)
      ),
    );
    const watcher = await FrameSocket.open(server.base, general, ada.token);
    try {
      await Promise.all(sockets.map((s) => s.next("ready")));
      const ready = await watcher.next("ready");
      assert.equal(ready.memberCount, 131);
      assert.equal(ready.onlineCount, 121);
      assert.equal(ready.members.length, 100);
      assert.ok(ready.members.every((m) => m.online));
      // The first by username: the watcher, then m000 ... m098.
      assert.deepEqual(
        ready.members.map((m) => m.username),
        ["aaa_ada", ...people.slice(0, 99).map((p) => p.username)],
      );
    } finally {
      await watcher.close();
      await Promise.all(sockets.map((s) => s.close()));
    }
  });
});

Deno.test("Presence from many sockets opening at once arrives in a few batched frames, latest state per user", async () => {
  await withHearth(async (server) => {
    const ada = await signUp(server.base, "aaa_ada");
    const people = await crowd(server, "m", 60);
    const general = await generalOf(ada.api);
    const watcher = await FrameSocket.open(server.base, general, ada.token);
    await watcher.next("ready");
    // Past the window that carried the watcher's own coming online.
    await delay(400);
    const sockets = await Promise.all(
      people.map((p) => FrameSocket.open(server.base, general, p.token)),
    );
    await Promise.all(sockets.map((s) => s.next("ready")));
    // Ten of them leave again at once.
    await Promise.all(sockets.slice(0, 10).map((s) => s.close()));
    const state = new Map<string, boolean>();
    let last: PresenceFrame | undefined;
    const frames = () =>
      watcher.frames.filter((f): f is PresenceFrame => f.type === "presence");
    try {
      await watcher.next("presence", (f) => f.onlineCount === 51, 10_000);
      for (const frame of frames()) {
        last = frame;
        for (const c of frame.changes) state.set(c.userId, c.online);
      }
      assert.equal(last?.onlineCount, 51);
      // 60 come and 10 go: a handful of frames, not 70.
      assert.ok(frames().length <= 6, `${frames().length} presence frames`);
      for (const [i, p] of people.entries()) {
        assert.equal(state.get(p.id) ?? false, i >= 10, p.username);
      }
    } finally {
      await watcher.close();
      await Promise.all(sockets.slice(10).map((s) => s.close()));
    }
  });
});
