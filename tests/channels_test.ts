/** HTTP suite for channels, membership, read markers and messages, against a real server. */
import assert from "node:assert/strict";
import {
  type Api,
  type ApiResponse,
  createChannel,
  postMessage,
  request,
  signUp,
  withHearth,
} from "./helpers/api.ts";

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Asserts an error answer: status, optional code, and a detail naming `mentions`. */
function assertError(
  res: ApiResponse,
  status: number,
  code?: string,
  mentions?: string,
) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(typeof res.body?.detail, "string");
  if (code) assert.equal(res.body.code, code);
  if (mentions) {
    assert.match(res.body.detail, new RegExp(mentions), res.body.detail);
  }
}

async function myChannel(api: Api, id: string) {
  const res = await api.get("/channels");
  assert.equal(res.status, 200);
  return res.body.find((c: { id: string }) => c.id === id);
}

Deno.test("POST /channels creates a channel owned by and containing its creator", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const res = await ada.api.post("/channels", {
      name: "  Design  ",
      topic: " pixels ",
    });
    assert.equal(res.status, 201);
    const channel = res.body;
    assert.equal(channel.name, "Design");
    assert.equal(channel.topic, "pixels");
    assert.equal(channel.private, false);
    assert.equal(channel.memberCount, 1);
    assert.equal(channel.lastSeq, 0);
    assert.equal(channel.unread, 0);
    assert.equal(channel.joined, true);
    assert.ok(!Number.isNaN(Date.parse(channel.createdAt)));
    assert.deepEqual(
      (await ada.api.get("/channels")).body.map((c: { name: string }) =>
        c.name
      ),
      ["Design", "general"],
    );
    const members = await ada.api.get(`/channels/${channel.id}/members`);
    assert.equal(members.status, 200);
    assert.deepEqual(
      members.body.members.map((m: { id: string; online: boolean }) => [
        m.id,
        m.online,
      ]),
      [[ada.id, false]],
    );
    // The creator is the owner: they may add members.
    const bo = await signUp(base);
    const added = await ada.api.post(`/channels/${channel.id}/members`, {
      username: bo.username,
    });
    assert.equal(added.status, 201);
    assert.equal(added.body.id, bo.id);
  });
});

Deno.test("POST /channels refuses a name already taken, ignoring case, with 409", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    await createChannel(ada.api, "Random");
    assertError(
      await ada.api.post("/channels", { name: " rANDOM " }),
      409,
      "channel_exists",
      "rANDOM",
    );
    assertError(
      await ada.api.post("/channels", { name: "GENERAL" }),
      409,
      "channel_exists",
    );
  });
});

Deno.test("POST /channels validates its body: 400, 415 and 422 naming the field", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const post = (body: string, type = "application/json") =>
      ada.api.send("POST", "/channels", {
        body,
        headers: { "content-type": type },
      });
    assertError(await post("{name:"), 400, "malformed_json");
    assertError(
      await post(`{"name":"x"}`, "text/plain"),
      415,
      "unsupported_media_type",
    );
    assertError(await post("[]"), 422, "validation_failed");
    for (
      const [body, field] of [
        [{}, "name"],
        [{ name: "" }, "name"],
        [{ name: "   " }, "name"],
        [{ name: "x".repeat(81) }, "name"],
        [{ name: 7 }, "name"],
        [{ name: "ok", topic: 3 }, "topic"],
        [{ name: "ok", topic: "t".repeat(251) }, "topic"],
        [{ name: "ok", private: "yes" }, "private"],
      ] as const
    ) {
      assertError(
        await ada.api.post("/channels", body),
        422,
        "validation_failed",
        field,
      );
    }
    const longest = await ada.api.post("/channels", { name: "n".repeat(80) });
    assert.equal(longest.status, 201);
    assert.equal(longest.body.name.length, 80);
    const one = await ada.api.post("/channels", { name: "x" });
    assert.equal(one.status, 201);
    assertError(
      await request(base, "POST", "/channels", { json: { name: "anon" } }),
      401,
      "unauthorized",
    );
  });
});

Deno.test("The first account creates public general and every new account joins it", async () => {
  await withHearth(async ({ base }) => {
    const accounts = [];
    for (let i = 0; i < 3; i++) accounts.push(await signUp(base));
    const all = await accounts[2].api.get("/channels?scope=all");
    const generals = all.body.filter((c: { name: string }) =>
      c.name === "general"
    );
    assert.equal(generals.length, 1);
    const general = generals[0];
    assert.equal(general.private, false);
    assert.equal(general.memberCount, 3);
    for (const account of accounts) {
      const mine = await account.api.get("/channels");
      assert.deepEqual(
        mine.body.map((c: { id: string }) => c.id),
        [general.id],
      );
      assert.equal(mine.body[0].joined, true);
    }
    const members = await accounts[0].api.get(
      `/channels/${general.id}/members`,
    );
    assert.deepEqual(
      members.body.members.map((m: { id: string }) => m.id).sort(),
      accounts.map((a) => a.id).sort(),
    );
    // The first account owns general.
    const late = await signUp(base);
    const added = await accounts[0].api.post(
      `/channels/${general.id}/members`,
      { username: late.username },
    );
    assert.equal(added.status, 201);
    assertError(
      await accounts[1].api.post(`/channels/${general.id}/members`, {
        username: late.username,
      }),
      403,
      "not_owner",
    );
  });
});

Deno.test("GET /channels lists my channels; scope=all adds public ones with joined", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const open = await createChannel(ada.api, "open");
    const secret = await createChannel(ada.api, "secret", { private: true });
    await postMessage(ada.api, open.id, "hello");

    const boMine = await bo.api.get("/channels");
    assert.deepEqual(boMine.body.map((c: { name: string }) => c.name), [
      "general",
    ]);
    const boAll = await bo.api.get("/channels?scope=all");
    assert.equal(boAll.status, 200);
    assert.deepEqual(
      boAll.body.map((c: { name: string; joined: boolean }) => [
        c.name,
        c.joined,
      ]),
      [["general", true], ["open", false]],
    );
    const openSeen = boAll.body.find((c: { id: string }) => c.id === open.id);
    assert.equal(openSeen.memberCount, 1);
    assert.equal(openSeen.lastSeq, 1);
    assert.equal(openSeen.unread, 0); // unread means something to members only

    const adaAll = await ada.api.get("/channels?scope=all");
    assert.deepEqual(
      adaAll.body.map((c: { name: string; joined: boolean }) => [
        c.name,
        c.joined,
      ]),
      [["general", true], ["open", true], ["secret", true]],
    );
    assert.equal(
      adaAll.body.find((c: { id: string }) => c.id === secret.id).private,
      true,
    );
    assertError(
      await bo.api.get("/channels?scope=everything"),
      422,
      "validation_failed",
      "scope",
    );
    assertError(await request(base, "GET", "/channels"), 401, "unauthorized");
  });
});

Deno.test("POST /channels/{id}/join is idempotent and leave answers 204", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const room = await createChannel(ada.api);
    for (let i = 0; i < 2; i++) {
      const joined = await bo.api.post(`/channels/${room.id}/join`);
      assert.equal(joined.status, 200);
      assert.equal(joined.body.id, room.id);
      assert.equal(joined.body.joined, true);
      assert.equal(joined.body.memberCount, 2);
    }
    // Concurrent joins still count one membership.
    const carl = await signUp(base);
    const joins = await Promise.all(
      range(1, 5).map(() => carl.api.post(`/channels/${room.id}/join`)),
    );
    assert.ok(joins.every((r) => r.status === 200));
    assert.equal((await myChannel(ada.api, room.id)).memberCount, 3);

    for (let i = 0; i < 2; i++) {
      const left = await bo.api.post(`/channels/${room.id}/leave`);
      assert.equal(left.status, 204);
      assert.equal(left.body, null);
    }
    assert.equal(await myChannel(bo.api, room.id), undefined);
    assert.equal((await myChannel(ada.api, room.id)).memberCount, 2);
    // Having left, bo is a non-member again.
    assertError(
      await bo.api.get(`/channels/${room.id}/messages`),
      403,
      "not_member",
    );
  });
});

Deno.test("Private channels: 403 for non-members until the owner adds them", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const carl = await signUp(base);
    const room = await createChannel(ada.api, "hush", { private: true });
    await postMessage(ada.api, room.id, "quiet");
    const path = `/channels/${room.id}`;

    assertError(await bo.api.post(`${path}/join`), 403, "private_channel");
    assertError(await bo.api.get(`${path}/messages`), 403, "not_member");
    assertError(
      await bo.api.post(`${path}/messages`, { content: "hi" }),
      403,
      "not_member",
    );
    assertError(await bo.api.get(`${path}/members`), 403, "not_member");
    assertError(
      await bo.api.post(`${path}/read`, { seq: 1 }),
      403,
      "not_member",
    );
    assertError(
      await bo.api.post(`${path}/members`, { username: bo.username }),
      403,
      "not_owner",
    );

    const added = await ada.api.post(`${path}/members`, {
      username: bo.username.toUpperCase(),
    });
    assert.equal(added.status, 201);
    assert.deepEqual(Object.keys(added.body).sort(), [
      "avatarUrl",
      "createdAt",
      "displayName",
      "id",
      "role",
      "status",
      "username",
    ]);
    // Adding again changes nothing.
    assert.equal(
      (await ada.api.post(`${path}/members`, { username: bo.username }))
        .status,
      201,
    );
    const seen = await myChannel(bo.api, room.id);
    assert.equal(seen.private, true);
    assert.equal(seen.memberCount, 2);
    assert.equal(seen.unread, 1);
    assert.equal(
      (await bo.api.get(`${path}/messages`)).body[0].content,
      "quiet",
    );
    assert.equal(
      (await bo.api.post(`${path}/messages`, { content: "hi" })).status,
      201,
    );
    // A member who is not the owner still cannot add people.
    assertError(
      await bo.api.post(`${path}/members`, { username: carl.username }),
      403,
      "not_owner",
    );
    assertError(
      await ada.api.post(`${path}/members`, { username: "nobody_here" }),
      404,
      "user_not_found",
    );
    assertError(
      await ada.api.post(`${path}/members`, { username: "no spaces!" }),
      422,
      "validation_failed",
      "username",
    );
    assertError(
      await ada.api.post(`${path}/members`, {}),
      422,
      "validation_failed",
      "username",
    );
    // The private channel is invisible to carl's scope=all.
    const all = await carl.api.get("/channels?scope=all");
    assert.ok(!all.body.some((c: { id: string }) => c.id === room.id));
  });
});

Deno.test("Channel endpoints: 403 for non-members of a public channel (join aside), 404 for unknown ids", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const room = await createChannel(ada.api);
    const calls = (id: string): Array<[string, () => Promise<ApiResponse>]> => [
      ["GET messages", () => bo.api.get(`/channels/${id}/messages`)],
      [
        "POST messages",
        () => bo.api.post(`/channels/${id}/messages`, { content: "hi" }),
      ],
      ["GET members", () => bo.api.get(`/channels/${id}/members`)],
      [
        "POST members",
        () => bo.api.post(`/channels/${id}/members`, { username: bo.username }),
      ],
      ["POST read", () => bo.api.post(`/channels/${id}/read`, { seq: 0 })],
    ];
    for (const [name, call] of calls(room.id)) {
      const res = await call();
      assert.equal(res.status, 403, name);
    }
    // Even an invalid body from a non-member hears 403, not 422.
    assertError(
      await bo.api.post(`/channels/${room.id}/messages`, { content: "" }),
      403,
    );
    // An id far past KV's 2 KiB key limit is a 404 too, never a 500.
    for (const unknown of [crypto.randomUUID(), "x".repeat(3000)]) {
      for (
        const [name, call] of [
          ...calls(unknown),
          ["POST join", () => bo.api.post(`/channels/${unknown}/join`)],
          ["POST leave", () => bo.api.post(`/channels/${unknown}/leave`)],
        ] as Array<[string, () => Promise<ApiResponse>]>
      ) {
        const res = await call();
        assertError(res, 404, "channel_not_found", unknown.slice(0, 16));
        assert.ok(res.body.detail.length < 200, name);
      }
    }
    // Joining the public channel is what lets bo in.
    assert.equal((await bo.api.post(`/channels/${room.id}/join`)).status, 200);
    for (const [name, call] of calls(room.id).slice(0, 3)) {
      const res = await call();
      assert.ok(res.status === 200 || res.status === 201, name);
    }
    assert.equal(
      (await request(base, "GET", `/channels/${room.id}/messages`)).status,
      401,
    );
  });
});

Deno.test("POST /channels/{id}/messages stores trimmed content of 1 to 4000 characters", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api);
    const path = `/channels/${room.id}/messages`;
    const res = await ada.api.post(path, { content: "  hello there \n" });
    assert.equal(res.status, 201);
    const message = res.body;
    assert.equal(message.content, "hello there");
    assert.equal(message.seq, 1);
    assert.equal(message.channelId, room.id);
    assert.equal(message.file, null);
    assert.deepEqual(Object.keys(message.author).sort(), [
      "displayName",
      "id",
      "username",
    ]);
    assert.equal(message.author.id, ada.id);
    assert.equal(message.author.username, ada.username);
    assert.ok(!Number.isNaN(Date.parse(message.createdAt)));
    assert.equal("clientId" in message, false);

    const max = "é".repeat(4000);
    const long = await ada.api.post(path, { content: `  ${max}  ` });
    assert.equal(long.status, 201);
    assert.equal(long.body.content, max);

    for (
      const [body, field] of [
        [{}, "content"],
        [{ content: "" }, "content"],
        [{ content: " \n\t " }, "content"],
        [{ content: "x".repeat(4001) }, "content"],
        [{ content: 5 }, "content"],
        [{ content: "ok", clientId: "" }, "clientId"],
        [{ content: "ok", clientId: "has space" }, "clientId"],
        [{ content: "ok", clientId: "x".repeat(65) }, "clientId"],
        [{ content: "ok", clientId: 12 }, "clientId"],
      ] as const
    ) {
      assertError(
        await ada.api.post(path, body),
        422,
        "validation_failed",
        field,
      );
    }
    assertError(
      await ada.api.send("POST", path, {
        body: "{content",
        headers: { "content-type": "application/json" },
      }),
      400,
      "malformed_json",
    );
    assertError(
      await ada.api.send("POST", path, {
        body: "content=hi",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      415,
      "unsupported_media_type",
    );
    // Nothing refused was stored.
    const listed = await ada.api.get(path);
    assert.deepEqual(listed.body.map((m: { seq: number }) => m.seq), [1, 2]);
  });
});

Deno.test("20 concurrent senders get gapless seqs 1..N", async () => {
  await withHearth(async ({ base }) => {
    const owner = await signUp(base);
    const room = await createChannel(owner.api);
    const senders = await Promise.all(range(1, 20).map(() => signUp(base)));
    await Promise.all(
      senders.map((s) => s.api.post(`/channels/${room.id}/join`)),
    );
    const perSender = 5;
    const posted = await Promise.all(
      senders.flatMap((sender, i) =>
        range(1, perSender).map((n) =>
          postMessage(sender.api, room.id, `sender ${i} message ${n}`)
        )
      ),
    );
    const total = senders.length * perSender;
    assert.deepEqual(
      posted.map((m) => m.seq).sort((a, b) => a - b),
      range(1, total),
    );
    assert.equal(new Set(posted.map((m) => m.id)).size, total);

    const listed = await owner.api.get(
      `/channels/${room.id}/messages?limit=200`,
    );
    assert.deepEqual(
      listed.body.map((m: { seq: number }) => m.seq),
      range(1, total),
    );
    // The stored message under each seq is the one that post answered with.
    const bySeq = new Map(posted.map((m) => [m.seq, m]));
    for (const stored of listed.body) {
      assert.equal(stored.id, bySeq.get(stored.seq)!.id);
      assert.equal(stored.content, bySeq.get(stored.seq)!.content);
    }
    // The channel's counter agrees with the number of messages.
    assert.equal((await myChannel(owner.api, room.id)).lastSeq, total);
  });
});

Deno.test("A repeated clientId from the same author answers 200 with the stored message", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const room = await createChannel(ada.api);
    await bo.api.post(`/channels/${room.id}/join`);
    const other = await createChannel(ada.api);
    const path = `/channels/${room.id}/messages`;

    const first = await ada.api.post(path, {
      content: "once",
      clientId: "abc-1",
    });
    assert.equal(first.status, 201);
    assert.equal(first.body.clientId, "abc-1");
    const again = await ada.api.post(path, {
      content: "once, edited",
      clientId: "abc-1",
    });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);

    // Another author, or another channel, may use the same clientId.
    const bos = await bo.api.post(path, { content: "mine", clientId: "abc-1" });
    assert.equal(bos.status, 201);
    assert.notEqual(bos.body.id, first.body.id);
    const elsewhere = await ada.api.post(`/channels/${other.id}/messages`, {
      content: "there",
      clientId: "abc-1",
    });
    assert.equal(elsewhere.status, 201);

    // Ten racing retries of one send store exactly one message.
    const racing = await Promise.all(
      range(1, 10).map(() =>
        ada.api.post(path, { content: "retry", clientId: "race-7" })
      ),
    );
    assert.deepEqual(
      racing.map((r) => r.status).sort(),
      [200, 200, 200, 200, 200, 200, 200, 200, 200, 201],
    );
    assert.equal(new Set(racing.map((r) => r.body.id)).size, 1);

    const listed = await ada.api.get(path);
    assert.deepEqual(
      listed.body.map((m: { seq: number; content: string }) => [
        m.seq,
        m.content,
      ]),
      [[1, "once"], [2, "mine"], [3, "retry"]],
    );
  });
});

Deno.test("GET /channels/{id}/messages pages with before, after and limit, oldest first", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const room = await createChannel(ada.api);
    const path = `/channels/${room.id}/messages`;
    assert.deepEqual((await ada.api.get(path)).body, []);
    for (const batch of [range(1, 60), range(61, 120), range(121, 230)]) {
      await Promise.all(
        batch.map((n) => postMessage(ada.api, room.id, `m${n}`)),
      );
    }
    const seqs = async (query: string) => {
      const res = await ada.api.get(`${path}${query}`);
      assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
      return res.body.map((m: { seq: number }) => m.seq);
    };
    assert.deepEqual(await seqs(""), range(181, 230));
    assert.deepEqual(await seqs("?limit=10"), range(221, 230));
    assert.deepEqual(await seqs("?limit=1000"), range(31, 230));
    assert.deepEqual(await seqs("?limit=200"), range(31, 230));
    assert.deepEqual(await seqs("?before=11"), range(1, 10));
    assert.deepEqual(await seqs("?before=101&limit=20"), range(81, 100));
    assert.deepEqual(await seqs("?before=1"), []);
    assert.deepEqual(await seqs("?after=200"), range(201, 230));
    assert.deepEqual(await seqs("?after=10&limit=5"), range(11, 15));
    assert.deepEqual(await seqs("?after=0"), range(1, 50));
    assert.deepEqual(await seqs("?after=230"), []);
    assert.deepEqual(await seqs("?after=10&before=15"), range(11, 14));
    assert.deepEqual(await seqs("?after=10&before=11"), []);

    // Paging back with `before` visits every message exactly once.
    const back: number[] = [];
    let page = await seqs("?limit=37");
    while (page.length > 0) {
      back.unshift(...page);
      page = await seqs(`?limit=37&before=${page[0]}`);
    }
    assert.deepEqual(back, range(1, 230));
    // So does catching up with `after`.
    const forward: number[] = [];
    for (let last = 0;;) {
      const next = await seqs(`?after=${last}&limit=64`);
      if (next.length === 0) break;
      forward.push(...next);
      last = next.at(-1);
    }
    assert.deepEqual(forward, range(1, 230));

    for (
      const [query, field] of [
        ["?limit=0", "limit"],
        ["?limit=abc", "limit"],
        ["?before=-1", "before"],
        ["?after=1.5", "after"],
      ]
    ) {
      assertError(
        await ada.api.get(`${path}${query}`),
        422,
        "validation_failed",
        field,
      );
    }
  });
});

Deno.test("POST /channels/{id}/read moves the read marker forward only and drives unread", async () => {
  await withHearth(async ({ base }) => {
    const ada = await signUp(base);
    const bo = await signUp(base);
    const room = await createChannel(ada.api);
    await bo.api.post(`/channels/${room.id}/join`);
    for (let i = 1; i <= 5; i++) await postMessage(ada.api, room.id, `m${i}`);
    const unread = async () => {
      const channel = await myChannel(bo.api, room.id);
      assert.equal(
        channel.lastSeq,
        (await myChannel(ada.api, room.id)).lastSeq,
      );
      return channel.unread;
    };
    const read = (seq: unknown) =>
      bo.api.post(`/channels/${room.id}/read`, { seq });

    assert.equal(await unread(), 5);
    const marked = await read(3);
    assert.equal(marked.status, 204);
    assert.equal(marked.body, null);
    assert.equal(await unread(), 2);
    assert.equal((await read(1)).status, 204);
    assert.equal(
      await unread(),
      2,
      "a lower seq does not move the marker back",
    );
    assert.equal((await read(0)).status, 204);
    assert.equal(await unread(), 2);
    await postMessage(ada.api, room.id, "m6");
    assert.equal(await unread(), 3);
    // A seq past the end is clamped to lastSeq, so later messages still count.
    assert.equal((await read(999)).status, 204);
    assert.equal(await unread(), 0);
    await postMessage(ada.api, room.id, "m7");
    assert.equal(await unread(), 1);
    // Concurrent marks settle on the largest.
    await Promise.all([read(7), read(6), read(5)]);
    assert.equal(await unread(), 0);
    // scope=all agrees for joined channels.
    const all = await bo.api.get("/channels?scope=all");
    assert.equal(
      all.body.find((c: { id: string }) => c.id === room.id).unread,
      0,
    );

    for (const bad of [-1, 1.5, "3", null]) {
      assertError(await read(bad), 422, "validation_failed", "seq");
    }
    assertError(
      await bo.api.post(`/channels/${room.id}/read`, {}),
      422,
      "validation_failed",
      "seq",
    );
  });
});
