/**
 * Bot accounts over HTTP and the socket: admins make them and get a token
 * once; bots use the API and sockets with `Authorization: Bot <token>` (or
 * `?token=`), carry a badge, never sign in with a password, and a rotated or
 * deleted bot's sockets close at once.
 */
import assert from "node:assert/strict";
import {
  type Account,
  type Api,
  createChannel,
  FrameSocket,
  request,
  signUp,
  socketUrl,
  uniqueName,
  upgradeStatus,
  withHearth,
} from "./helpers/api.ts";

/** The instance's owner (the first account, an admin by rank) and a plain member. */
async function people(base: string) {
  const admin = await signUp(base, uniqueName("admin"));
  const member = await signUp(base, uniqueName("member"));
  return { admin, member };
}

/** Makes a bot as `admin`, asserting the 201. */
async function makeBot(admin: Api, username = uniqueName("bot")) {
  const res = await admin.post("/bots", { username, displayName: "Helper" });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as {
    bot: { id: string; username: string; bot: true; deleted: boolean };
    token: string;
  };
}

function asBot(
  base: string,
  token: string,
  method: string,
  path: string,
  json?: unknown,
) {
  return request(base, method, path, {
    headers: { authorization: `Bot ${token}` },
    json,
  });
}

Deno.test("POST /bots: admins only, 201 with the token once, 409 for a taken name, 422 for a bad one", async () => {
  await withHearth(async ({ base }) => {
    const { admin, member } = await people(base);
    const name = uniqueName("bot");
    const made = await makeBot(admin.api, name);
    assert.equal(made.bot.username, name);
    assert.equal(made.bot.bot, true);
    assert.equal(made.bot.deleted, false);
    assert.match(made.token, /^hbot_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
    const listed = await admin.api.get("/bots");
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.map((b: { id: string }) => b.id), [
      made.bot.id,
    ]);
    assert.ok(!JSON.stringify(listed.body).includes(made.token.slice(-43)));
    assert.equal(
      (await admin.api.post("/bots", { username: name })).status,
      409,
    );
    assert.equal(
      (await admin.api.post("/bots", { username: admin.username })).status,
      409,
    );
    const bad = await admin.api.post("/bots", { username: "no spaces" });
    assert.equal(bad.status, 422);
    const refused = await member.api.post("/bots", { username: "x_bot" });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "forbidden_role");
    assert.equal((await member.api.get("/bots")).status, 403);
    assert.equal((await request(base, "GET", "/bots")).status, 401);
  });
});

Deno.test("a bot uses the API with Authorization: Bot <token>, carries a badge and never signs in with a password", async () => {
  await withHearth(async ({ base }) => {
    const { admin } = await people(base);
    const { bot, token } = await makeBot(admin.api);
    const me = await asBot(base, token, "GET", "/me");
    assert.equal(me.status, 200);
    assert.equal(me.body.id, bot.id);
    assert.equal(me.body.bot, true);
    // The scheme and the kind of token go together.
    const bearer = await request(base, "GET", "/me", { token });
    assert.equal(bearer.status, 401);
    const jwtAsBot = await asBot(base, admin.token, "GET", "/me");
    assert.equal(jwtAsBot.status, 401);
    const forged = await asBot(base, token.slice(0, -4) + "AAAA", "GET", "/me");
    assert.equal(forged.status, 401);
    const login = await request(base, "POST", "/auth/login", {
      json: { username: bot.username, password: "correct horse battery" },
    });
    assert.equal(login.status, 403);
    assert.equal(login.body.code, "bot_account");
    const change = await asBot(base, token, "POST", "/me/password", {
      currentPassword: "whatever it is",
      newPassword: "correct horse battery",
    });
    assert.equal(change.status, 403);
    assert.equal(change.body.code, "bot_account");
    // People are no bots.
    assert.equal((await admin.api.get("/me")).body.bot, undefined);
  });
});

Deno.test("a bot added to a channel posts over HTTP and its socket, with the bot badge on its messages", async () => {
  await withHearth(async ({ base }) => {
    const { admin, member } = await people(base);
    const { bot, token } = await makeBot(admin.api);
    const room = await createChannel(member.api, uniqueName("room"), {
      private: true,
    });
    const notYet = await asBot(
      base,
      token,
      "GET",
      `/channels/${room.id}/messages`,
    );
    assert.equal(notYet.status, 403);
    const added = await member.api.post(`/channels/${room.id}/members`, {
      username: bot.username,
    });
    assert.equal(added.status, 201);
    const posted = await asBot(
      base,
      token,
      "POST",
      `/channels/${room.id}/messages`,
      {
        content: "hello from a bot",
      },
    );
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    assert.equal(posted.body.author.id, bot.id);
    assert.equal(posted.body.author.bot, true);
    const human = await member.api.post(`/channels/${room.id}/messages`, {
      content: "hi bot",
    });
    assert.equal(human.body.author.bot, undefined);
    // The socket takes the token in the header too (bots need no query string).
    const url = socketUrl(base, room.id);
    assert.equal(
      await upgradeStatus(url, { authorization: `Bot ${token}` }),
      101,
    );
    assert.equal(
      await upgradeStatus(url, { authorization: `Bearer ${token}` }),
      401,
    );
    const socket = await FrameSocket.open(base, room.id, token);
    try {
      await socket.next("ready");
      socket.send({
        type: "message",
        content: "over the socket",
        clientId: "b1",
      });
      const frame = await socket.next(
        "message",
        (f) => f.message.content === "over the socket",
      );
      assert.equal(frame.message.author.bot, true);
    } finally {
      await socket.close();
    }
  });
});

/** A bot in a channel with an open socket, for the closing tests. */
async function botWithSocket(base: string, admin: Account & { api: Api }) {
  const made = await makeBot(admin.api);
  const room = await createChannel(admin.api, uniqueName("room"));
  const added = await admin.api.post(`/channels/${room.id}/members`, {
    username: made.bot.username,
  });
  assert.equal(added.status, 201);
  const socket = await FrameSocket.open(base, room.id, made.token);
  await socket.next("ready");
  return { ...made, room, socket };
}

Deno.test("POST /bots/{id}/token rotates: the old token stops working and its socket closes at once", async () => {
  await withHearth(async ({ base }) => {
    const { admin, member } = await people(base);
    const { bot, token, socket } = await botWithSocket(base, admin);
    assert.equal((await member.api.post(`/bots/${bot.id}/token`)).status, 403);
    const rotated = await admin.api.post(`/bots/${bot.id}/token`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.token, token);
    assert.equal(rotated.body.bot.id, bot.id);
    const closed = await socket.closedWithin();
    assert.equal(closed.code, 1008);
    assert.equal((await asBot(base, token, "GET", "/me")).status, 401);
    assert.equal(
      (await asBot(base, rotated.body.token, "GET", "/me")).status,
      200,
    );
    const unknown = await admin.api.post(`/bots/${crypto.randomUUID()}/token`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "bot_not_found");
  });
});

Deno.test("DELETE /bots/{id} revokes the bot: token refused, socket closed, listed as deleted, 404 after", async () => {
  await withHearth(async ({ base }) => {
    const { admin, member } = await people(base);
    const { bot, token, socket } = await botWithSocket(base, admin);
    assert.equal(
      (await member.api.send("DELETE", `/bots/${bot.id}`, {})).status,
      403,
    );
    const gone = await admin.api.send("DELETE", `/bots/${bot.id}`, {});
    assert.equal(gone.status, 204);
    assert.equal((await socket.closedWithin()).code, 1008);
    assert.equal((await asBot(base, token, "GET", "/me")).status, 401);
    const listed = (await admin.api.get("/bots")).body;
    assert.equal(
      listed.find((b: { id: string }) => b.id === bot.id).deleted,
      true,
    );
    assert.equal(
      (await admin.api.send("DELETE", `/bots/${bot.id}`, {})).status,
      404,
    );
    assert.equal((await admin.api.post(`/bots/${bot.id}/token`)).status, 404);
    const login = await request(base, "POST", "/auth/login", {
      json: { username: bot.username, password: "correct horse battery" },
    });
    assert.equal(login.status, 403);
  });
});

Deno.test("bots are rate limited like people", async () => {
  await withHearth(
    async ({ base }) => {
      const { admin } = await people(base);
      const { bot, token } = await makeBot(admin.api);
      const room = await createChannel(admin.api, uniqueName("room"));
      await admin.api.post(`/channels/${room.id}/members`, {
        username: bot.username,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await asBot(
          base,
          token,
          "POST",
          `/channels/${room.id}/messages`,
          {
            content: `n${i}`,
          },
        );
        statuses.push(res.status);
      }
      assert.deepEqual(statuses.slice(0, 2), [201, 201]);
      assert.ok(statuses.includes(429), String(statuses));
    },
    [],
    {
      userLimits: {
        enabled: true,
        messagesPerSecond: 0.01,
        messageBurst: 2,
        channelsPerHour: 100,
        socketsPerUser: 10,
        storageBytes: 1e9,
      },
    },
  );
});
