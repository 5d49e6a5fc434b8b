/**
 * Incoming webhooks: a channel's owner (or an admin) makes a URL whose
 * secret is the only credential; posting to it puts a message in the channel
 * as the webhook, live on sockets; revoked and wrong URLs answer 404 alike.
 */
import assert from "node:assert/strict";
import {
  createChannel,
  FrameSocket,
  request,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";

async function setUp(base: string) {
  const admin = await signUp(base, uniqueName("admin"));
  const owner = await signUp(base, uniqueName("owner"));
  const member = await signUp(base, uniqueName("member"));
  const room = await createChannel(owner.api, uniqueName("room"));
  const joined = await member.api.post(`/channels/${room.id}/join`);
  assert.equal(joined.status, 200);
  return { admin, owner, member, room };
}

/** The path of a webhook URL, for posting to it. */
function pathOf(url: string): string {
  return new URL(url).pathname;
}

Deno.test("POST /channels/{id}/webhooks: the owner or an admin gets {id, url} once; GET lists without secrets", async () => {
  await withHearth(async ({ base }) => {
    const { admin, owner, member, room } = await setUp(base);
    const made = await owner.api.post(`/channels/${room.id}/webhooks`, {
      name: "CI",
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.name, "CI");
    assert.match(
      made.body.url,
      new RegExp(`^${base}/hooks/${made.body.id}/[A-Za-z0-9_-]{43}$`),
    );
    const byAdmin = await admin.api.post(`/channels/${room.id}/webhooks`, {
      name: "Alerts",
    });
    assert.equal(byAdmin.status, 201);
    const listed = await owner.api.get(`/channels/${room.id}/webhooks`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.map((h: { name: string }) => h.name), [
      "CI",
      "Alerts",
    ]);
    const secret = made.body.url.split("/").pop();
    assert.ok(!JSON.stringify(listed.body).includes(secret));
    const refused = await member.api.post(`/channels/${room.id}/webhooks`, {
      name: "Mine",
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "not_owner");
    assert.equal(
      (await member.api.get(`/channels/${room.id}/webhooks`)).status,
      403,
    );
    const blank = await owner.api.post(`/channels/${room.id}/webhooks`, {
      name: "  ",
    });
    assert.equal(blank.status, 422);
    const dm = await owner.api.post("/dms", { usernames: [member.username] });
    const inDm = await owner.api.post(`/channels/${dm.body.id}/webhooks`, {
      name: "DM hook",
    });
    assert.equal(inDm.status, 403);
    assert.equal(inDm.body.code, "direct_message");
    const unknown = await owner.api.post(
      `/channels/${crypto.randomUUID()}/webhooks`,
      { name: "x" },
    );
    assert.equal(unknown.status, 404);
  });
});

Deno.test("POST /hooks/{id}/{secret} posts as the webhook, live, with {content, username} or Slack's {text}", async () => {
  await withHearth(async ({ base }) => {
    const { owner, member, room } = await setUp(base);
    const made = await owner.api.post(`/channels/${room.id}/webhooks`, {
      name: "CI",
    });
    const socket = await FrameSocket.open(base, room.id, member.token);
    try {
      await socket.next("ready");
      const posted = await request(base, "POST", pathOf(made.body.url), {
        json: {
          content: `build passed, @${member.username}`,
          username: "Build bot",
          avatarUrl: "https://ci.example/logo.png",
        },
      });
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      assert.equal(posted.body.author.id, made.body.id);
      assert.equal(posted.body.author.displayName, "Build bot");
      assert.equal(posted.body.author.bot, true);
      assert.equal(posted.body.author.webhook, true);
      assert.equal(
        posted.body.author.hookAvatarUrl,
        "https://ci.example/logo.png",
      );
      assert.deepEqual(posted.body.mentions, [member.id]);
      const live = await socket.message(posted.body.seq);
      assert.equal(live.content, `build passed, @${member.username}`);
      const slack = await request(base, "POST", pathOf(made.body.url), {
        json: { text: "from slack" },
      });
      assert.equal(slack.status, 201);
      assert.equal(slack.body.content, "from slack");
      assert.equal(slack.body.author.displayName, "CI");
    } finally {
      await socket.close();
    }
  });
});

Deno.test("POST /hooks: 404 alike for a wrong secret, an unknown id and a revoked hook; 422 for bad bodies; cookies are not read", async () => {
  await withHearth(async ({ base }) => {
    const { owner, member, room } = await setUp(base);
    const made = await owner.api.post(`/channels/${room.id}/webhooks`, {
      name: "CI",
    });
    const path = pathOf(made.body.url);
    const wrong = path.slice(0, -3) + "AAA";
    const unknown = `/hooks/${crypto.randomUUID()}/${path.split("/").pop()}`;
    for (const p of [wrong, unknown, "/hooks/x/y"]) {
      const res = await request(base, "POST", p, { json: { content: "hi" } });
      assert.equal(res.status, 404, p);
      assert.equal(res.body.code, "webhook_not_found");
    }
    for (
      const body of [
        {},
        { content: "" },
        { content: 5 },
        { text: "x".repeat(5000) },
        { content: "hi", avatarUrl: "http://insecure.example/a.png" },
        { content: "hi", username: "" },
      ]
    ) {
      const res = await request(base, "POST", path, { json: body });
      assert.equal(res.status, 422, JSON.stringify(body));
    }
    // A session cookie sent along, from another site, is simply not read.
    const withCookie = await request(base, "POST", path, {
      json: { content: "cookie ignored" },
      headers: {
        cookie: `hearth_token=${member.token}`,
        origin: "https://evil.example",
      },
    });
    assert.equal(withCookie.status, 201);
    assert.equal(withCookie.body.author.id, made.body.id);
    const notOwner = await member.api.send(
      "DELETE",
      `/channels/${room.id}/webhooks/${made.body.id}`,
      {},
    );
    assert.equal(notOwner.status, 403);
    const revoked = await owner.api.send(
      "DELETE",
      `/channels/${room.id}/webhooks/${made.body.id}`,
      {},
    );
    assert.equal(revoked.status, 204);
    const after = await request(base, "POST", path, {
      json: { content: "too late" },
    });
    assert.equal(after.status, 404);
    const again = await owner.api.send(
      "DELETE",
      `/channels/${room.id}/webhooks/${made.body.id}`,
      {},
    );
    assert.equal(again.status, 404);
    assert.deepEqual(
      (await owner.api.get(`/channels/${room.id}/webhooks`)).body,
      [],
    );
  });
});

Deno.test("POST /hooks is rate limited per webhook", async () => {
  await withHearth(
    async ({ base }) => {
      const { owner, room } = await setUp(base);
      const paths: string[] = [];
      for (const name of ["One", "Two"]) {
        const made = await owner.api.post(`/channels/${room.id}/webhooks`, {
          name,
        });
        paths.push(pathOf(made.body.url));
      }
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await request(base, "POST", paths[0], {
          json: { content: `n${i}` },
        });
        statuses.push(res.status);
        if (res.status === 429) assert.ok(res.headers.get("retry-after"));
      }
      assert.deepEqual(statuses.slice(0, 2), [201, 201]);
      assert.ok(statuses.includes(429), String(statuses));
      // Another webhook of the same channel has its own allowance.
      const other = await request(base, "POST", paths[1], {
        json: { content: "mine" },
      });
      assert.equal(other.status, 201);
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
