/** WebSocket suite for `/ws/channels/{id}`, over real sockets against a real server. */
import assert from "node:assert/strict";
import {
  createChannel,
  delay,
  FrameSocket,
  postMessage,
  rawHandshake,
  readUntilClose,
  request,
  signIn,
  signUp,
  socketUrl,
  upgradeStatus,
  withHearth,
} from "./helpers/api.ts";
import { waitFor } from "./helpers/deadline.ts";
import { loadSigningKey } from "../lib/auth/secret.ts";
import { signToken } from "../lib/auth/token.ts";

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** How `socket` closed, or "still open" after `ms`. */
function closedWithin(socket: FrameSocket, ms: number) {
  return Promise.race([socket.closed, delay(ms).then(() => "still open")]);
}

/** Whether a `presence` frame says `userId` is now `online`. */
function says(
  frame: { changes: { userId: string; online: boolean }[] },
  userId: string,
  online: boolean,
): boolean {
  return frame.changes.some((c) => c.userId === userId && c.online === online);
}

/** Longer than presence is gathered for, so any pending batch has been sent. */
const PAST_PRESENCE_WINDOW_MS = 400;

/** Two members of a fresh public channel. */
async function pair(base: string) {
  const ada = await signUp(base);
  const bo = await signUp(base);
  const room = await createChannel(ada.api);
  await bo.api.post(`/channels/${room.id}/join`);
  return { ada, bo, room };
}

Deno.test("The first frame is ready, with lastSeq, member counts and the online members", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const carl = await signUp(base);
    await carl.api.post(`/channels/${room.id}/join`);
    await postMessage(ada.api, room.id, "one");
    await postMessage(bo.api, room.id, "two");
    const boSocket = await FrameSocket.open(base, room.id, bo.token);
    const adaSocket = await FrameSocket.open(base, room.id, ada.token);
    try {
      await adaSocket.next("ready");
      const ready = adaSocket.frames[0];
      assert.equal(ready.type, "ready");
      if (ready.type !== "ready") return;
      assert.equal(ready.channelId, room.id);
      assert.equal(ready.lastSeq, 2);
      assert.equal(ready.memberCount, 3);
      assert.equal(ready.onlineCount, 2);
      // Only those online, by username.
      assert.deepEqual(
        ready.members.map((m) => [m.username, m.online]),
        [[ada.username, true], [bo.username, true]].sort(),
      );
      // The wire shape of a member, as in `member` frames: no more. A role
      // shows only above member (the first account is the owner).
      for (const member of ready.members) {
        assert.deepEqual(
          Object.keys(member).filter((key) => key !== "role").sort(),
          ["displayName", "id", "online", "username"],
        );
        assert.equal("role" in member, member.id === ada.id, member.username);
      }
      // Without `after`, stored messages are not replayed.
      await postMessage(bo.api, room.id, "three");
      await adaSocket.message(3);
      assert.deepEqual(adaSocket.seqs(), [3]);
      // The REST member list shows the same presence.
      const members = await carl.api.get(`/channels/${room.id}/members`);
      assert.deepEqual(
        Object.fromEntries(
          members.body.members.map((
            m: { username: string; online: boolean },
          ) => [m.username, m.online]),
        ),
        {
          [ada.username]: true,
          [bo.username]: true,
          [carl.username]: false,
        },
      );
    } finally {
      await adaSocket.close();
      await boSocket.close();
    }
  });
});

Deno.test("A ready frame follows joins, leaves and renames made a moment before", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const carl = await signUp(base);
    // Carl stays online throughout, so the ready frames list him by name.
    const general = (await carl.api.get("/channels")).body.find(
      (c: { name: string }) => c.name === "general",
    );
    const carlOnline = await FrameSocket.open(base, general.id, carl.token);
    await carlOnline.next("ready");
    const readyOf = async () => {
      const socket = await FrameSocket.open(base, room.id, ada.token);
      try {
        await socket.next("ready");
        const ready = socket.frames[0];
        assert.equal(ready.type, "ready");
        if (ready.type !== "ready") return [];
        // By username, which sorts these random names any which way.
        const names = ready.members.map((m) => m.displayName).sort();
        return [ready.memberCount, ...names];
      } finally {
        await socket.close();
      }
    };
    // Member lists are held for a few seconds; every step here is quicker.
    assert.deepEqual(await readyOf(), [2, ada.username]);
    await carl.api.post(`/channels/${room.id}/join`);
    const both = [ada.username, carl.username].sort();
    assert.deepEqual(await readyOf(), [3, ...both]);
    await bo.api.post(`/channels/${room.id}/leave`);
    assert.deepEqual(await readyOf(), [2, ...both]);
    const renamed = await carl.api.send("PATCH", "/me", {
      json: { displayName: "Carl Renamed" },
    });
    assert.equal(renamed.status, 200);
    assert.deepEqual(
      await readyOf(),
      [2, ...[ada.username, "Carl Renamed"].sort()],
    );
    await carlOnline.close();
  });
});

Deno.test("Signing out closes the sockets opened with that token, and only those", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const otherToken = await signIn(base, ada.username, ada.password);
    const signedOut = await FrameSocket.open(base, room.id, ada.token);
    const stays = await FrameSocket.open(base, room.id, otherToken);
    try {
      await signedOut.next("ready");
      await stays.next("ready");
      const out = await ada.api.post("/auth/logout");
      assert.equal(out.status, 204);
      assert.deepEqual(await closedWithin(signedOut, 5000), {
        code: 1008,
        reason: "Signed out",
      });
      // The same user's other sign-in keeps its socket.
      await postMessage(bo.api, room.id, "still here");
      assert.equal((await stays.message(1)).content, "still here");
      // And the signed-out token cannot open a new one.
      assert.equal(
        await upgradeStatus(socketUrl(base, room.id, ada.token)),
        401,
      );
    } finally {
      await signedOut.close();
      await stays.close();
    }
  });
});

Deno.test("A socket is closed when the token it was opened with expires", async () => {
  const secret = "a test secret that is long enough";
  await withHearth(async ({ base }) => {
    const { ada, room } = await pair(base);
    using kv = await Deno.openKv(":memory:");
    const key = await loadSigningKey(kv, secret);
    const { token } = await signToken(key, ada.id, 2);
    const socket = await FrameSocket.open(base, room.id, token);
    try {
      await socket.next("ready");
      const opened = Date.now();
      assert.deepEqual(await closedWithin(socket, 5000), {
        code: 1008,
        reason: "Session expired, sign in again",
      });
      assert.ok(Date.now() - opened < 4000);
    } finally {
      await socket.close();
    }
  }, ["--secret", secret]);
});

Deno.test("A socket hears of new messages in its user's other channels, without their content", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    // Ada's page shows `room`; she is also in `other` and in general.
    const other = await createChannel(bo.api);
    await ada.api.post(`/channels/${other.id}/join`);
    const theirs = await createChannel(bo.api); // Ada is not in this one
    const socket = await FrameSocket.open(base, room.id, ada.token);
    try {
      await socket.next("ready");
      await postMessage(bo.api, theirs.id, "not for ada");
      await postMessage(bo.api, other.id, "one");
      const first = await socket.next("activity");
      assert.deepEqual(first, {
        type: "activity",
        channelId: other.id,
        lastSeq: 1,
      });
      // A burst comes as its latest seq, within about a second.
      await postMessage(bo.api, other.id, "two");
      await postMessage(bo.api, other.id, "three");
      const later = await socket.next("activity", () => true, 3000);
      assert.equal(later.channelId, other.id);
      assert.equal(later.lastSeq, 3);
      // Messages of the open channel come as message frames, not activity.
      await postMessage(bo.api, room.id, "here");
      await socket.message(1);
      // After leaving a channel, nothing more about it.
      await ada.api.post(`/channels/${other.id}/leave`);
      await postMessage(bo.api, other.id, "four");
      // Past the activity interval, to prove nothing more comes about it.
      await delay(1300);
      const activity = socket.frames.filter((f) => f.type === "activity");
      assert.deepEqual(
        activity.map((f) => f.type === "activity" && f.channelId),
        [other.id, other.id],
      );
    } finally {
      await socket.close();
    }
  });
});

Deno.test("A socket hears of a channel its user joined after it opened", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const socket = await FrameSocket.open(base, room.id, ada.token);
    try {
      await socket.next("ready");
      const later = await createChannel(bo.api);
      await ada.api.post(`/channels/${later.id}/join`);
      await postMessage(bo.api, later.id, "welcome");
      assert.deepEqual(await socket.next("activity"), {
        type: "activity",
        channelId: later.id,
        lastSeq: 1,
      });
    } finally {
      await socket.close();
    }
  });
});

Deno.test("Messages posted over HTTP or the socket reach every member's socket live", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const adaSocket = await FrameSocket.open(base, room.id, ada.token);
    const boSocket = await FrameSocket.open(base, room.id, bo.token);
    try {
      await adaSocket.next("ready");
      await boSocket.next("ready");
      const posted = await postMessage(bo.api, room.id, "over http");
      assert.deepEqual(await adaSocket.message(posted.seq), posted);
      assert.deepEqual(await boSocket.message(posted.seq), posted);

      adaSocket.send({
        type: "message",
        content: "  over ws  ",
        clientId: "w1",
      });
      const received = await boSocket.message(2);
      assert.equal(received.content, "over ws");
      assert.equal(received.clientId, "w1");
      assert.equal(received.author.id, ada.id);
      // The sender hears its own message back, as everyone does.
      assert.deepEqual(await adaSocket.message(2), received);
      const stored = await ada.api.get(`/channels/${room.id}/messages`);
      assert.deepEqual(stored.body, [posted, received]);
      // A channel's socket hears only that channel.
      const other = await createChannel(ada.api);
      await postMessage(ada.api, other.id, "elsewhere");
      const last = await postMessage(ada.api, room.id, "here");
      await boSocket.message(last.seq);
      assert.deepEqual(boSocket.seqs(), [1, 2, 3]);
    } finally {
      await adaSocket.close();
      await boSocket.close();
    }
  });
});

Deno.test("Reconnecting with after= gets exactly the missed messages, then live ones", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const first = await FrameSocket.open(base, room.id, ada.token, 0);
    for (let i = 1; i <= 3; i++) await postMessage(bo.api, room.id, `m${i}`);
    await first.message(3);
    assert.deepEqual(first.seqs(), [1, 2, 3]);
    await first.close();

    for (let i = 4; i <= 10; i++) await postMessage(bo.api, room.id, `m${i}`);
    const again = await FrameSocket.open(base, room.id, ada.token, 3);
    try {
      await again.message(10);
      const ready = await again.next("ready");
      assert.equal(ready.lastSeq, 10);
      assert.equal(again.frames[0].type, "ready");
      await postMessage(bo.api, room.id, "m11");
      await again.message(11);
      assert.deepEqual(again.seqs(), range(4, 11));
    } finally {
      await again.close();
    }
    // after=0 replays the whole history.
    const all = await FrameSocket.open(base, room.id, ada.token, 0);
    try {
      await all.message(11);
      assert.deepEqual(all.seqs(), range(1, 11));
    } finally {
      await all.close();
    }
  });
});

Deno.test("Messages posted during a reconnect's backlog arrive once, in order, with no gap", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const senders = [bo, ...await Promise.all([signUp(base), signUp(base)])];
    await Promise.all(
      senders.map((s) => s.api.post(`/channels/${room.id}/join`)),
    );
    // A backlog of several pages (a page is 200 messages).
    for (let batch = 0; batch < 9; batch++) {
      await Promise.all(
        range(1, 50).map((n) =>
          postMessage(senders[n % 3].api, room.id, `early ${batch}.${n}`)
        ),
      );
    }
    const missedFrom = 120;
    const live = 240;
    // Start posting, then connect while the posts are still landing.
    let posted = 0;
    const posting = Promise.all(
      senders.map(async (sender, i) => {
        for (let n = 0; n < live / senders.length; n++) {
          await postMessage(sender.api, room.id, `live ${i}.${n}`);
          posted++;
        }
      }),
    );
    await waitFor(() => posted > 0, { what: "The first live post" });
    const socket = await FrameSocket.open(base, room.id, ada.token, missedFrom);
    try {
      const postedAtOpen = posted;
      await posting;
      const last = 450 + live;
      await socket.message(last, 30_000);
      // A window for a duplicate to arrive, to prove none does.
      await delay(50);
      assert.ok(postedAtOpen < live, "the socket opened while posts ran");
      assert.deepEqual(socket.seqs(), range(missedFrom + 1, last));
      assert.equal(socket.frames[0].type, "ready");
      const ids = socket.frames.flatMap((f) =>
        f.type === "message" ? [f.message.id] : []
      );
      assert.equal(new Set(ids).size, ids.length);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("Reconnecting sockets racing concurrent senders never miss or double a message", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const total = 150;
    let stop = false;
    const sending = (async () => {
      for (let n = 1; n <= total; n++) {
        await Promise.all([
          postMessage(bo.api, room.id, `b${n}`),
          n % 3 === 0 ? postMessage(ada.api, room.id, `a${n}`) : null,
        ]);
        if (stop) break;
      }
    })();
    // Keep dropping and resuming from the last seq seen, as a flaky client does.
    const seen: number[] = [];
    try {
      for (let round = 0; round < 6; round++) {
        const after = seen.at(-1) ?? 0;
        const socket = await FrameSocket.open(base, room.id, ada.token, after);
        await socket.next("ready");
        // Stays open a little longer each round, so drops land at varied points.
        await delay(20 + round * 10);
        await socket.close();
        seen.push(...socket.seqs());
      }
      await sending;
      const final = await FrameSocket.open(
        base,
        room.id,
        ada.token,
        seen.at(-1) ?? 0,
      );
      // One more message, so the final socket has something live to wait for.
      const { seq: last } = await postMessage(bo.api, room.id, "final");
      await final.message(last, 20_000);
      await final.close();
      seen.push(...final.seqs());
      assert.deepEqual(seen, range(1, last));
    } finally {
      stop = true;
      await sending;
    }
  });
});

Deno.test("A repeated clientId over the socket stores and delivers one message", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const adaSocket = await FrameSocket.open(base, room.id, ada.token);
    const boSocket = await FrameSocket.open(base, room.id, bo.token);
    try {
      await adaSocket.next("ready");
      await boSocket.next("ready");
      const frame = {
        type: "message",
        content: "just once",
        clientId: "dup-1",
      };
      adaSocket.send(frame);
      adaSocket.send(frame);
      adaSocket.send({ ...frame, content: "changed" });
      const stored = await boSocket.message(1);
      // An HTTP retry with the same clientId gets the same message with 200.
      const retry = await ada.api.post(`/channels/${room.id}/messages`, {
        content: "just once",
        clientId: "dup-1",
      });
      assert.equal(retry.status, 200);
      assert.deepEqual(retry.body, stored);
      // A later message marks the end of anything the repeats could have sent.
      adaSocket.send({ type: "message", content: "next", clientId: "dup-2" });
      await boSocket.message(2);
      await adaSocket.message(2);
      assert.deepEqual(boSocket.seqs(), [1, 2]);
      assert.deepEqual(adaSocket.seqs(), [1, 2]);
      assert.ok(!adaSocket.frames.some((f) => f.type === "error"));
      const listed = await bo.api.get(`/channels/${room.id}/messages`);
      assert.deepEqual(
        listed.body.map((m: { content: string }) => m.content),
        ["just once", "next"],
      );
    } finally {
      await adaSocket.close();
      await boSocket.close();
    }
  });
});

Deno.test("The upgrade checks Origin: foreign refused with 403, own and --origin accepted, none accepted", async () => {
  const allowed = "https://chat.example.org";
  await withHearth(async ({ base }) => {
    const { ada, room } = await pair(base);
    const url = socketUrl(base, room.id, ada.token);
    assert.equal(
      await upgradeStatus(url, { Origin: "https://evil.example" }),
      403,
    );
    assert.equal(await upgradeStatus(url, { Origin: "null" }), 403);
    assert.equal(
      await upgradeStatus(url, { Origin: "http://127.0.0.1:1" }),
      403,
    );
    assert.equal(await upgradeStatus(url, { Origin: allowed }), 101);
    assert.equal(
      await upgradeStatus(url, { Origin: new URL(base).origin }),
      101,
    );
    // Non-browser clients send no Origin; the token alone decides.
    assert.equal(await upgradeStatus(url), 101);
    const socket = await FrameSocket.open(base, room.id, ada.token);
    await socket.next("ready");
    await socket.close();
    // The refusal is the JSON error contract.
    const refused = await request(
      base,
      "GET",
      new URL(url).pathname + new URL(url).search,
      {
        headers: { upgrade: "websocket", origin: "https://evil.example" },
      },
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "origin_not_allowed");
  }, ["--origin", allowed]);
  await withHearth(async ({ base }) => {
    const { ada, room } = await pair(base);
    const url = socketUrl(base, room.id, ada.token);
    assert.equal(await upgradeStatus(url, { Origin: allowed }), 403);
  });
});

Deno.test("The upgrade refuses a missing, bad or revoked token with 401", async () => {
  await withHearth(async ({ base }) => {
    const { ada, room } = await pair(base);
    assert.equal(await upgradeStatus(socketUrl(base, room.id)), 401);
    assert.equal(await upgradeStatus(socketUrl(base, room.id, "nope")), 401);
    const [head, body] = ada.token.split(".");
    assert.equal(
      await upgradeStatus(socketUrl(base, room.id, `${head}.${body}.AAAA`)),
      401,
    );
    // Logging out revokes the token at once; a fresh login still works.
    const spare = await signIn(base, ada.username, ada.password);
    const out = await request(base, "POST", "/auth/logout", {
      token: ada.token,
    });
    assert.equal(out.status, 204);
    assert.equal(await upgradeStatus(socketUrl(base, room.id, ada.token)), 401);
    assert.equal(await upgradeStatus(socketUrl(base, room.id, spare)), 101);
  });
});

Deno.test("The upgrade refuses non-members with 403 and unknown channels with 404", async () => {
  await withHearth(async ({ base }) => {
    const { ada, room } = await pair(base);
    const carl = await signUp(base);
    const hidden = await createChannel(ada.api, undefined, { private: true });
    assert.equal(
      await upgradeStatus(socketUrl(base, room.id, carl.token)),
      403,
    );
    assert.equal(
      await upgradeStatus(socketUrl(base, hidden.id, carl.token)),
      403,
    );
    assert.equal(
      await upgradeStatus(socketUrl(base, crypto.randomUUID(), carl.token)),
      404,
    );
    assert.equal(
      await upgradeStatus(socketUrl(base, "x".repeat(3000), carl.token)),
      404,
    );
    // Joining opens the door.
    await carl.api.post(`/channels/${room.id}/join`);
    assert.equal(
      await upgradeStatus(socketUrl(base, room.id, carl.token)),
      101,
    );
    // A bad `after` is a 422, not a socket.
    assert.equal(
      await upgradeStatus(`${socketUrl(base, room.id, carl.token)}&after=-4`),
      422,
    );
  });
});

Deno.test("Bad frames get error frames and the socket keeps working", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const socket = await FrameSocket.open(base, room.id, ada.token);
    try {
      await socket.next("ready");
      const bad = [
        "{not json",
        "[1,2]",
        `{"kind":"message"}`,
        `{"type":"shout"}`,
        `{"type":"message","content":"   ","clientId":"c1"}`,
        `{"type":"message","content":"no id"}`,
        `{"type":"message","content":"x","clientId":"bad id!"}`,
        JSON.stringify({
          type: "message",
          content: "y".repeat(4001),
          clientId: "c2",
        }),
        new Uint8Array([1, 2, 3]),
      ];
      for (const frame of bad) socket.send(frame);
      const errors = [];
      for (let i = 0; i < bad.length; i++) {
        errors.push(await socket.next("error"));
      }
      for (const error of errors) {
        assert.equal(typeof error.code, "string");
        assert.ok(error.detail.length > 0);
      }
      assert.deepEqual(errors.map((e) => e.code), [
        "invalid_json",
        "invalid_frame",
        "invalid_frame",
        "unknown_frame_type",
        "validation_failed",
        "validation_failed",
        "validation_failed",
        "validation_failed",
        "binary_not_supported",
      ]);
      socket.send({ type: "message", content: "still here", clientId: "ok-1" });
      assert.equal((await socket.message(1)).content, "still here");
      // Someone who left cannot post through a socket opened before: it is closed.
      const boSocket = await FrameSocket.open(base, room.id, bo.token);
      await boSocket.next("ready");
      await bo.api.post(`/channels/${room.id}/leave`);
      assert.equal((await boSocket.closedWithin()).code, 1008);
      const listed = await ada.api.get(`/channels/${room.id}/messages`);
      assert.deepEqual(listed.body.map((m: { content: string }) => m.content), [
        "still here",
      ]);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("A frame larger than 16 KiB closes the socket with 1009", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const big = await FrameSocket.open(base, room.id, ada.token);
    const other = await FrameSocket.open(base, room.id, bo.token);
    try {
      await big.next("ready");
      await other.next("ready");
      big.send(
        JSON.stringify({
          type: "message",
          content: "z".repeat(16 * 1024),
          clientId: "big",
        }),
      );
      assert.equal((await big.closedWithin()).code, 1009);
      // Nothing was stored and the server goes on serving.
      const posted = await postMessage(bo.api, room.id, "after");
      assert.equal(posted.seq, 1);
      await other.message(1);
    } finally {
      await big.close();
      await other.close();
    }
  });
});

Deno.test("A client that stops reading is closed while others keep being served", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const carl = await signUp(base);
    await carl.api.post(`/channels/${room.id}/join`);
    const watcher = await FrameSocket.open(base, room.id, bo.token);
    await watcher.next("ready");
    // Handshake by hand, then never read: its buffers fill up.
    const slow = await rawHandshake(socketUrl(base, room.id, carl.token));
    assert.equal(slow.status, 101);
    await watcher.next("presence", (f) => says(f, carl.id, true));
    const carlOffline = watcher.next(
      "presence",
      (f) => says(f, carl.id, false),
      120_000,
    );
    let gone = false;
    carlOffline.then(() => gone = true, () => {});
    const content = "x".repeat(4000);
    let last = 0;
    for (let round = 0; !gone; round++) {
      assert.ok(round < 200, "the slow reader was never closed");
      const batch = await Promise.all(
        range(1, 25).map(() => postMessage(ada.api, room.id, content)),
      );
      last = Math.max(last, ...batch.map((m) => m.seq));
    }
    await carlOffline;
    // The normal client got everything, in order.
    await watcher.message(last, 30_000);
    assert.deepEqual(watcher.seqs(), range(1, last));
    const health = await request(base, "GET", "/healthz");
    assert.equal(health.status, 200);
    const fresh = await FrameSocket.open(base, room.id, ada.token, last - 1);
    assert.equal((await fresh.message(last)).seq, last);
    await fresh.close();
    // What the slow reader finally sees: 1013, or a dropped connection.
    const code = await readUntilClose(slow);
    assert.ok(code === 1013 || code === null, `closed with ${code}`);
    slow.conn.close();
    await watcher.close();
  });
});

Deno.test("Presence: online with the first socket, offline after the last, in all the user's channels", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const general = (await bo.api.get("/channels")).body.find(
      (c: { name: string }) => c.name === "general",
    );
    const watchRoom = await FrameSocket.open(base, room.id, bo.token);
    const watchGeneral = await FrameSocket.open(base, general.id, bo.token);
    await watchRoom.next("ready");
    await watchGeneral.next("ready");

    const first = await FrameSocket.open(base, room.id, ada.token);
    // Bo's own coming online may share the batch; the count is the room's.
    const online = await watchRoom.next(
      "presence",
      (f) => says(f, ada.id, true),
    );
    assert.equal(online.onlineCount, 2);
    // Ada's socket is on another channel, but presence reaches every channel she is in.
    await watchGeneral.next("presence", (f) => says(f, ada.id, true));
    const second = await FrameSocket.open(base, general.id, ada.token);
    await second.next("ready");
    await first.close();
    // Past the presence window, then a marker message: any presence change
    // would have arrived before it.
    await delay(PAST_PRESENCE_WINDOW_MS);
    const marker = await postMessage(bo.api, room.id, "marker");
    await watchRoom.message(marker.seq);
    assert.ok(
      !watchRoom.frames.some((f) =>
        f.type === "presence" && says(f, ada.id, false)
      ),
      "still online with one socket left",
    );
    const adaIn = async () =>
      (await bo.api.get(`/channels/${room.id}/members`)).body.members.find(
        (m: { id: string }) => m.id === ada.id,
      ).online;
    assert.equal(await adaIn(), true);
    await second.close();
    assert.deepEqual(
      await watchRoom.next("presence", (f) => says(f, ada.id, false)),
      {
        type: "presence",
        changes: [{ userId: ada.id, online: false }],
        onlineCount: 1,
      },
    );
    await watchGeneral.next("presence", (f) => says(f, ada.id, false));
    assert.equal(await adaIn(), false);
    await watchRoom.close();
    await watchGeneral.close();
  });
});

Deno.test("Presence: a new socket within the grace period hides the gap; offline comes after it", async () => {
  const GRACE_MS = 600;
  await withHearth(
    async ({ base }) => {
      const { ada, bo, room } = await pair(base);
      const watch = await FrameSocket.open(base, room.id, bo.token);
      await watch.next("ready");
      const adaPresence = () =>
        watch.frames.flatMap((f) =>
          f.type === "presence"
            ? f.changes.filter((c) => c.userId === ada.id)
            : []
        );

      const first = await FrameSocket.open(base, room.id, ada.token);
      await watch.next("presence", (f) => says(f, ada.id, true));
      // Switching channels is a page load: one socket closes, another opens.
      await first.close();
      const second = await FrameSocket.open(base, room.id, ada.token);
      await second.next("ready");
      // Past the grace period, to prove no offline blip comes.
      await delay(GRACE_MS + 200);
      const marker = await postMessage(bo.api, room.id, "marker");
      await watch.message(marker.seq);
      assert.deepEqual(
        adaPresence(),
        [{ userId: ada.id, online: true }],
        "no offline blip and no second online",
      );

      const closedAt = Date.now();
      await second.close();
      const early = await postMessage(bo.api, room.id, "early");
      await watch.message(early.seq);
      assert.equal(adaPresence().length, 1, "still online during the grace");
      const members = await bo.api.get(`/channels/${room.id}/members`);
      assert.equal(
        members.body.members.find((m: { id: string }) => m.id === ada.id)
          .online,
        true,
      );
      await watch.next("presence", (f) => says(f, ada.id, false));
      assert.ok(
        Date.now() - closedAt >= GRACE_MS - 50,
        `offline after ${Date.now() - closedAt} ms`,
      );
      await watch.close();
    },
    [],
    { offlineGraceMs: GRACE_MS },
  );
});

Deno.test("Typing is relayed to others, not echoed, and rate limited per user", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const adaSocket = await FrameSocket.open(base, room.id, ada.token);
    const boSocket = await FrameSocket.open(base, room.id, bo.token);
    try {
      await adaSocket.next("ready");
      await boSocket.next("ready");
      adaSocket.send({ type: "typing" });
      adaSocket.send({ type: "typing" });
      adaSocket.send({ type: "typing" });
      adaSocket.send({
        type: "message",
        content: "done typing",
        clientId: "t1",
      });
      const typing = await boSocket.next("typing");
      assert.equal(typing.userId, ada.id);
      assert.equal(typing.username, ada.username);
      await boSocket.message(1);
      await adaSocket.message(1);
      // Three notices within the interval are relayed once.
      assert.equal(
        boSocket.frames.filter((f) => f.type === "typing").length,
        1,
      );
      assert.ok(!adaSocket.frames.some((f) => f.type === "typing"));
      // Bo's typing is not limited by Ada's.
      boSocket.send({ type: "typing" });
      assert.equal((await adaSocket.next("typing")).userId, bo.id);
    } finally {
      await adaSocket.close();
      await boSocket.close();
    }
  });
});

Deno.test("A live-only socket that repeats an old clientId is answered with the stored message", async () => {
  await withHearth(async ({ base }) => {
    const { ada, room } = await pair(base);
    const first = await ada.api.post(`/channels/${room.id}/messages`, {
      content: "sent over HTTP",
      clientId: "retry.1:a",
    });
    assert.equal(first.status, 201);
    // No after=: this socket starts past seq 1, so only an answer can deliver it.
    const socket = await FrameSocket.open(base, room.id, ada.token);
    try {
      await socket.next("ready");
      socket.send({
        type: "message",
        content: "sent over HTTP",
        clientId: "retry.1:a",
      });
      const answer = await socket.next("message");
      assert.deepEqual(answer.message, first.body);
      const listed = await ada.api.get(`/channels/${room.id}/messages`);
      assert.equal(listed.body.length, 1);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("Leaving a channel closes the leaver's sockets on it and tells the others", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const adaSocket = await FrameSocket.open(base, room.id, ada.token);
    const boSocket = await FrameSocket.open(base, room.id, bo.token);
    try {
      await adaSocket.next("ready");
      await boSocket.next("ready");
      const left = await bo.api.post(`/channels/${room.id}/leave`);
      assert.equal(left.status, 204);
      const closed = await boSocket.closedWithin();
      assert.equal(closed.code, 1008);
      const seen = await adaSocket.next("member");
      assert.equal(seen.userId, bo.id);
      assert.equal(seen.joined, false);
      // A later message never reaches the one who left.
      await ada.api.post(`/channels/${room.id}/messages`, {
        content: "after bo left",
      });
      await adaSocket.message(1);
      assert.ok(!boSocket.frames.some((f) => f.type === "message"));
      // Joining again is announced with the member's details.
      await bo.api.post(`/channels/${room.id}/join`);
      const joined = await adaSocket.next("member");
      assert.equal(joined.joined, true);
      assert.equal(joined.member?.username, bo.username);
    } finally {
      await adaSocket.close();
      await boSocket.close();
    }
  });
});

Deno.test("Frames sent back to back over one socket are stored in the order sent", async () => {
  await withHearth(async ({ base }) => {
    const { ada, room } = await pair(base);
    const socket = await FrameSocket.open(base, room.id, ada.token);
    try {
      await socket.next("ready");
      // Fewer than the 16 frames a socket may have pending at once.
      for (let i = 0; i < 15; i++) {
        socket.send({
          type: "message",
          content: `n${i}`,
          clientId: `order-${i}`,
        });
      }
      await socket.message(15);
      const listed = await ada.api.get(`/channels/${room.id}/messages`);
      assert.deepEqual(
        listed.body.map((m: { content: string }) => m.content),
        range(0, 14).map((i) => `n${i}`),
      );
    } finally {
      await socket.close();
    }
  });
});

Deno.test("Presence: someone who saw a member go offline hears them come back, though both happened inside one presence window (a reload)", async () => {
  await withHearth(async ({ base }) => {
    const { ada, bo, room } = await pair(base);
    const adaOnline = async () =>
      (await bo.api.get(`/channels/${room.id}/members`)).body.members.find(
        (m: { id: string }) => m.id === ada.id,
      ).online;
    const watch = await FrameSocket.open(base, room.id, bo.token);
    await watch.next("ready");
    const before = await FrameSocket.open(base, room.id, ada.token);
    await watch.next("presence", (f) => says(f, ada.id, true));
    // Ada reloads: her old socket closes (no grace here, so she is offline,
    // and bo's member list, read now, shows it), and her new one opens
    // inside the same presence window.
    await before.close();
    await waitFor(async () => !(await adaOnline()), { what: "ada offline" });
    const seen = watch.frames.length;
    const after = await FrameSocket.open(base, room.id, ada.token);
    try {
      await after.next("ready");
      // Past the window, then a marker: every presence frame is in by then.
      await delay(PAST_PRESENCE_WINDOW_MS);
      const marker = await postMessage(bo.api, room.id, "marker");
      await watch.message(marker.seq);
      const changes = watch.frames.slice(seen).flatMap((f) =>
        f.type === "presence"
          ? f.changes.filter((c: { userId: string }) => c.userId === ada.id)
          : []
      );
      assert.equal(changes.at(-1)?.online, true, "bo still sees ada offline");
    } finally {
      await after.close();
      await watch.close();
    }
  });
});
