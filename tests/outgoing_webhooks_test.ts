/**
 * Bots' outgoing webhooks end to end: a receiver on 127.0.0.1 checks each
 * delivery's HMAC signature and timestamp and counts them; Hearth retries a
 * 500 with backoff, stops after a 2xx, logs every delivery for admins, and
 * never reaches a private address unless `--webhook-allow-private` is set.
 */
import assert from "node:assert/strict";
import { signatureOf } from "../lib/net/signature.ts";
import {
  type Api,
  createChannel,
  delay,
  request,
  signUp,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";
import { waitFor } from "./helpers/deadline.ts";

const FAST_RETRIES = { webhookRetryDelaysMs: [50, 100, 150] };
const ALLOW_PRIVATE = ["--webhook-allow-private"];

/** A webhook receiver that verifies signatures; `failures` answers 500 that many times first. */
class Receiver {
  readonly deliveries: { reason: string; content: string; id: string }[] = [];
  readonly problems: string[] = [];
  attempts = 0;
  secret = "";
  failures = 0;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  constructor() {
    this.#server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      (req) => this.#take(req),
    );
  }

  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}/hook`;
  }

  async #take(req: Request): Promise<Response> {
    this.attempts++;
    const raw = await req.text();
    const timestamp = Number(req.headers.get("x-hearth-timestamp"));
    const expected = await signatureOf(this.secret, timestamp, raw);
    // What a receiver does: the signature over timestamp and body, then freshness.
    if (req.headers.get("x-hearth-signature") !== expected) {
      this.problems.push("bad signature");
      return new Response("bad signature", { status: 401 });
    }
    if (Math.abs(Date.now() / 1000 - timestamp) > 300) {
      this.problems.push("stale timestamp");
    }
    if (this.failures > 0) {
      this.failures--;
      return new Response("try later", { status: 500 });
    }
    const payload = JSON.parse(raw);
    this.deliveries.push({
      reason: payload.reason,
      content: payload.message.content,
      id: req.headers.get("x-hearth-delivery") ?? "",
    });
    return new Response(null, { status: 204 });
  }

  [Symbol.asyncDispose]() {
    return this.#server.shutdown();
  }
}

/** An admin, a member, a bot in a channel with both, its webhook pointed at `url`. */
async function setUp(base: string, url: string, channels = false) {
  const admin = await signUp(base, uniqueName("admin"));
  const member = await signUp(base, uniqueName("member"));
  const made = await admin.api.post("/bots", { username: uniqueName("bot") });
  assert.equal(made.status, 201);
  const bot = made.body.bot;
  const room = await createChannel(member.api, uniqueName("room"));
  const added = await member.api.post(`/channels/${room.id}/members`, {
    username: bot.username,
  });
  assert.equal(added.status, 201);
  const hooked = await admin.api.send("PATCH", `/bots/${bot.id}`, {
    json: {
      webhookUrl: url,
      ...(channels ? { webhookChannels: [room.id] } : {}),
    },
  });
  assert.equal(hooked.status, 200, JSON.stringify(hooked.body));
  assert.match(hooked.body.webhookSecret, /^[A-Za-z0-9_-]{43}$/);
  return {
    admin,
    member,
    bot,
    room,
    token: made.body.token as string,
    secret: hooked.body.webhookSecret as string,
  };
}

function deliveries(admin: Api, botId: string) {
  return admin.get(`/bots/${botId}/deliveries`);
}

Deno.test("a mention is delivered signed; a 500 is retried and nothing is sent after the 2xx", async () => {
  await using receiver = new Receiver();
  await withHearth(
    async ({ base }) => {
      const { admin, member, bot, room, secret } = await setUp(
        base,
        receiver.url,
      );
      receiver.secret = secret;
      receiver.failures = 1;
      const quiet = await member.api.post(`/channels/${room.id}/messages`, {
        content: "nothing for the bot",
      });
      assert.equal(quiet.status, 201);
      const sent = await member.api.post(`/channels/${room.id}/messages`, {
        content: `@${bot.username} deploy please`,
      });
      assert.equal(sent.status, 201);
      await waitFor(() => receiver.deliveries.length === 1, {
        what: "the delivery after one retry",
      });
      await delay(400);
      assert.equal(receiver.attempts, 2);
      assert.deepEqual(receiver.problems, []);
      assert.equal(receiver.deliveries[0].reason, "mention");
      assert.equal(
        receiver.deliveries[0].content,
        `@${bot.username} deploy please`,
      );
      const log = await deliveries(admin.api, bot.id);
      assert.equal(log.status, 200);
      assert.equal(log.body.length, 1);
      assert.equal(log.body[0].id, receiver.deliveries[0].id);
      assert.equal(log.body[0].status, "delivered");
      assert.equal(log.body[0].attempts, 2);
      assert.equal(log.body[0].lastStatus, 204);
      assert.equal(log.body[0].seq, sent.body.seq);
      assert.equal((await deliveries(member.api, bot.id)).status, 403);
      const unknown = await deliveries(admin.api, crypto.randomUUID());
      assert.equal(unknown.status, 404);
    },
    ALLOW_PRIVATE,
    FAST_RETRIES,
  );
});

Deno.test("DMs to the bot and every message of a chosen channel are delivered; the bot's own are not", async () => {
  await using receiver = new Receiver();
  await withHearth(
    async ({ base }) => {
      const { member, bot, room, token, secret } = await setUp(
        base,
        receiver.url,
        true,
      );
      receiver.secret = secret;
      const own = await request(base, "POST", `/channels/${room.id}/messages`, {
        headers: { authorization: `Bot ${token}` },
        json: { content: "my own words" },
      });
      assert.equal(own.status, 201);
      const dm = await member.api.post("/dms", { usernames: [bot.username] });
      assert.equal(dm.status, 201);
      await member.api.post(`/channels/${dm.body.id}/messages`, {
        content: "psst",
      });
      await member.api.post(`/channels/${room.id}/messages`, {
        content: "anyone",
      });
      await waitFor(() => receiver.deliveries.length === 2, {
        what: "the DM and the channel message",
      });
      assert.deepEqual(
        receiver.deliveries.map((d) => `${d.reason}:${d.content}`).sort(),
        ["channel:anyone", "dm:psst"],
      );
      await delay(300);
      assert.equal(receiver.attempts, 2);
    },
    ALLOW_PRIVATE,
    FAST_RETRIES,
  );
});

Deno.test("a receiver that keeps failing gets 4 attempts (at once, then 3 retries), logged as failed", async () => {
  await using receiver = new Receiver();
  await withHearth(
    async ({ base }) => {
      const { admin, member, bot, room, secret } = await setUp(
        base,
        receiver.url,
      );
      receiver.secret = secret;
      receiver.failures = 100;
      await member.api.post(`/channels/${room.id}/messages`, {
        content: `@${bot.username} hello?`,
      });
      await waitFor(async () => {
        const log = await deliveries(admin.api, bot.id);
        return log.body[0]?.status === "failed";
      }, { what: "the delivery to be given up", intervalMs: 50 });
      const [entry] = (await deliveries(admin.api, bot.id)).body;
      assert.equal(entry.attempts, 4);
      assert.equal(entry.lastStatus, 500);
      assert.equal(entry.error, "HTTP 500");
      await delay(300);
      assert.equal(receiver.attempts, 4);
    },
    ALLOW_PRIVATE,
    FAST_RETRIES,
  );
});

Deno.test("without --webhook-allow-private no private target is reached: refused when set, or when a name resolves inside", async () => {
  await using receiver = new Receiver();
  await withHearth(
    async ({ base }) => {
      const admin = await signUp(base, uniqueName("admin"));
      const made = await admin.api.post("/bots", {
        username: uniqueName("bot"),
      });
      const bot = made.body.bot;
      for (
        const url of [
          receiver.url,
          "https://127.0.0.1/hook",
          "https://[::ffff:127.0.0.1]/hook",
          "https://0.0.0.0/hook",
          "https://169.254.169.254/latest",
          "https://[fe80::1]/hook",
        ]
      ) {
        const res = await admin.api.send("PATCH", `/bots/${bot.id}`, {
          json: { webhookUrl: url },
        });
        assert.equal(res.status, 422, url);
        assert.equal(res.body.code, "webhook_url_refused");
      }
      // A name is judged when connecting: localhost resolves to loopback.
      const port = new URL(receiver.url).port;
      const named = await admin.api.send("PATCH", `/bots/${bot.id}`, {
        json: { webhookUrl: `https://localhost:${port}/hook` },
      });
      assert.equal(named.status, 200);
      const room = await createChannel(admin.api, uniqueName("room"));
      await admin.api.post(`/channels/${room.id}/members`, {
        username: bot.username,
      });
      await admin.api.post(`/channels/${room.id}/messages`, {
        content: `@${bot.username} are you there?`,
      });
      await waitFor(async () => {
        const log = await deliveries(admin.api, bot.id);
        return log.body[0]?.status === "failed";
      }, { what: "the refused delivery", intervalMs: 50 });
      const [entry] = (await deliveries(admin.api, bot.id)).body;
      assert.equal(entry.attempts, 1);
      assert.match(entry.error, /resolves to (127\.0\.0\.1|::1)/);
      assert.equal(receiver.attempts, 0);
    },
    [],
    FAST_RETRIES,
  );
});

Deno.test("PATCH /bots/{id}: webhookUrl null turns the webhook off; bad bodies are 422", async () => {
  await withHearth(async ({ base }) => {
    const admin = await signUp(base, uniqueName("admin"));
    const made = await admin.api.post("/bots", { username: uniqueName("bot") });
    const id = made.body.bot.id;
    const on = await admin.api.send("PATCH", `/bots/${id}`, {
      json: { webhookUrl: "https://hooks.example/in", webhookChannels: [] },
    });
    assert.equal(on.status, 200);
    assert.deepEqual(on.body.webhook, {
      url: "https://hooks.example/in",
      channelIds: [],
    });
    // The same URL keeps its secret, so it is not shown again.
    const same = await admin.api.send("PATCH", `/bots/${id}`, {
      json: { webhookChannels: [] },
    });
    assert.equal(same.body.webhookSecret, undefined);
    const off = await admin.api.send("PATCH", `/bots/${id}`, {
      json: { webhookUrl: null },
    });
    assert.equal(off.status, 200);
    assert.equal(off.body.webhook, null);
    for (
      const body of [
        {},
        { webhookUrl: "ftp://x.example/" },
        { webhookUrl: 5 },
        { webhookChannels: "all" },
        { webhookChannels: Array(51).fill("c") },
      ]
    ) {
      const res = await admin.api.send("PATCH", `/bots/${id}`, { json: body });
      assert.equal(res.status, 422, JSON.stringify(body));
    }
    const unknown = await admin.api.send(
      "PATCH",
      `/bots/${crypto.randomUUID()}`,
      {
        json: { webhookUrl: null },
      },
    );
    assert.equal(unknown.status, 404);
  });
});
