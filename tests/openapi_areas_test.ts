/**
 * Real answers and frames of friends, blocks, bots, webhooks, posting rules,
 * bans that delete, reports, the timeouts list and the instance's settings
 * fit `/openapi.json` strictly (no key beyond the schema's), so a field added
 * to one of them without its schema fails here.
 */
import assert from "node:assert/strict";
import { png } from "../lib/files/_image_fixtures.ts";
import { FrameSocket, signUp, uniqueName, withHearth } from "./helpers/api.ts";
import { waitFor } from "./helpers/deadline.ts";
import { checked, DocumentChecker } from "./helpers/openapi.ts";

/** A bot's webhook receiver on 127.0.0.1 that takes every delivery. */
function receiver(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (req) => {
      await req.body?.cancel();
      return new Response(null, { status: 204 });
    },
  );
}

function imageForm(name: string): FormData {
  const form = new FormData();
  form.append("file", new File([png(8, 8)], name, { type: "image/png" }));
  return form;
}

Deno.test("answers of friends, blocks, bots, webhooks, posting rules and bans fit the document", async () => {
  await using hookTarget = receiver();
  await withHearth(async ({ base }) => {
    const served = await fetch(`${base}/openapi.json`);
    const check = new DocumentChecker(await served.json());
    const anon = checked(check, { base });
    const owner = await signUp(base);
    const bob = await signUp(base);
    const carol = await signUp(base);
    const [asOwner, asBob, asCarol] = [owner, bob, carol].map((who) =>
      checked(check, who.api)
    );

    // What the ready frame shows of members: avatar, role, status.
    await asOwner("PATCH", "/me", "/me", { json: { status: "on call" } });
    await asOwner("PUT", "/me/avatar", "/me/avatar", {
      body: imageForm("me.png"),
    });
    await asOwner("PATCH", "/users/{id}", `/users/${bob.id}`, {
      json: { role: "moderator" },
    });
    const room = await asOwner("POST", "/channels", "/channels", {
      json: { name: uniqueName("room") },
    });
    const id = room.body.id;
    const channel = (rest = "") => `/channels/${id}${rest}`;
    for (const who of [bob, carol]) {
      await asOwner("POST", "/channels/{id}/members", channel("/members"), {
        json: { username: who.username },
      });
    }
    const sockets = [
      await FrameSocket.open(base, id, owner.token),
      await FrameSocket.open(base, id, carol.token),
    ];
    const [ownerSocket, carolSocket] = sockets;
    try {
      // Friends and blocks.
      const ask = (who: typeof asOwner, username: string) =>
        who("POST", "/friends", "/friends", { json: { username } });
      assert.equal((await ask(asOwner, bob.username)).status, 201);
      assert.equal((await ask(asOwner, bob.username)).status, 409);
      assert.equal((await ask(asOwner, owner.username)).status, 422);
      await asBob("GET", "/friends", "/friends");
      await asBob("PUT", "/friends/{userId}", `/friends/${owner.id}`);
      await asOwner("PUT", "/friends/{userId}", `/friends/${carol.id}`);
      await ask(asCarol, owner.username);
      assert.equal((await ask(asOwner, carol.username)).status, 200);
      const lists = await asOwner("GET", "/friends", "/friends");
      assert.equal(lists.body.friends.length, 2);
      await asOwner("DELETE", "/friends/{userId}", `/friends/${carol.id}`);
      await asOwner("PUT", "/blocks/{userId}", `/blocks/${carol.id}`);
      const blocked = await asOwner("GET", "/blocks", "/blocks");
      assert.equal(blocked.body.length, 1);
      assert.equal((await ask(asCarol, owner.username)).status, 403);
      await asOwner("DELETE", "/blocks/{userId}", `/blocks/${carol.id}`);
      await asOwner("PUT", "/blocks/{userId}", "/blocks/nobody");
      const page = await asOwner("GET", "/friends", "/friends", {
        headers: { accept: "text/html" },
      });
      assert.match(page.headers.get("content-type") ?? "", /text\/html/);
      const events = await fetch(`${base}/friends/events`, {
        headers: { authorization: `Bearer ${owner.token}` },
      });
      const stream = events.headers.get("content-type");
      check.answer("GET", "/friends/events", events.status, null, stream);
      assert.match(events.headers.get("content-type") ?? "", /event-stream/);
      await events.body?.cancel();
      await ownerSocket.next("friends_changed");

      // Posting rules: slow mode, then read-only.
      const rules = (json: unknown) =>
        asOwner("PATCH", "/channels/{id}", channel(), { json });
      const slowed = await rules({ slowModeSeconds: 30 });
      assert.equal(slowed.body.slowModeSeconds, 30);
      assert.equal((await rules({ slowModeSeconds: -1 })).status, 422);
      await carolSocket.next("channel_updated");
      const post = (content: string) =>
        asCarol("POST", "/channels/{id}/messages", channel("/messages"), {
          json: { content },
        });
      assert.equal((await post("first")).status, 201);
      assert.equal((await post("second")).status, 429);
      await asCarol("POST", "/channels/{id}/files", channel("/files"), {
        body: imageForm("pic.png"),
      });
      carolSocket.send({ type: "message", content: "third", clientId: "c-3" });
      const refused = await carolSocket.next("error");
      assert.equal(refused.code, "slow_mode");
      await rules({ slowModeSeconds: 0, postPolicy: "moderators" });
      assert.equal((await post("read only")).status, 403);
      await rules({ postPolicy: "everyone" });

      // Incoming webhooks.
      const hooks = channel("/webhooks");
      const hook = await asOwner("POST", "/channels/{id}/webhooks", hooks, {
        json: { name: "CI" },
      });
      await asOwner("GET", "/channels/{id}/webhooks", hooks);
      await asCarol("GET", "/channels/{id}/webhooks", hooks);
      const hookPath = new URL(hook.body.url).pathname;
      await anon("POST", "/hooks/{id}/{secret}", hookPath, {
        json: {
          content: "Build passed",
          username: "CI",
          avatarUrl: "https://example.com/ci.png",
        },
      });
      await anon("POST", "/hooks/{id}/{secret}", hookPath, {
        json: { text: "Slack style" },
      });
      await anon("POST", "/hooks/{id}/{secret}", `/hooks/${hook.body.id}/no`, {
        json: { content: "wrong secret" },
      });
      await ownerSocket.next(
        "message",
        (f) => f.message.author.webhook === true,
      );
      const oneHook = `${hooks}/${hook.body.id}`;
      const revoke = "/channels/{id}/webhooks/{hookId}";
      assert.equal((await asOwner("DELETE", revoke, oneHook)).status, 204);
      assert.equal((await asOwner("DELETE", revoke, oneHook)).status, 404);

      // Bots, their outgoing webhook and its delivery log.
      const botName = uniqueName("bot");
      const made = await asOwner("POST", "/bots", "/bots", {
        json: { username: botName, displayName: "Helper" },
      });
      await asOwner("POST", "/bots", "/bots", { json: { username: botName } });
      await asCarol("GET", "/bots", "/bots");
      const bot = `/bots/${made.body.bot.id}`;
      const hooked = await asOwner("PATCH", "/bots/{id}", bot, {
        json: {
          webhookUrl: `http://127.0.0.1:${hookTarget.addr.port}/hook`,
          webhookChannels: [id],
        },
      });
      assert.ok(hooked.body.webhookSecret);
      await asOwner("PATCH", "/bots/{id}", bot, { json: {} });
      const rotated = await asOwner("POST", "/bots/{id}/token", `${bot}/token`);
      await asOwner("POST", "/channels/{id}/members", channel("/members"), {
        json: { username: botName },
      });
      await asBob("POST", "/channels/{id}/messages", channel("/messages"), {
        json: { content: `@${botName} deploy` },
      });
      await checked(check, { base })(
        "POST",
        "/channels/{id}/messages",
        channel("/messages"),
        {
          json: { content: "deployed" },
          headers: { authorization: `Bot ${rotated.body.token}` },
        },
      );
      await ownerSocket.next("message", (f) => f.message.author.bot === true);
      await waitFor(async () => {
        const log = await owner.api.get(`${bot}/deliveries`);
        return log.body.some((d: { status: string }) => d.status !== "pending");
      }, { what: "a delivery that ended" });
      await asOwner("GET", "/bots/{id}/deliveries", `${bot}/deliveries`);
      await asOwner("GET", "/bots", "/bots");
      await asOwner("PATCH", "/bots/{id}", bot, { json: { webhookUrl: null } });
      const ready = await FrameSocket.open(base, id, bob.token);
      sockets.push(ready);
      const { members } = await ready.next("ready");
      assert.ok(members.some((m) => m.role === "owner" && m.avatarUrl));
      // A bot has no socket, so `ready` (online members only) leaves it to the pages.
      assert.ok(!members.some((m) => m.bot));
      const listed = await asOwner(
        "GET",
        "/channels/{id}/members",
        channel("/members?limit=10"),
      );
      assert.ok(
        listed.body.members.some((m: { bot?: boolean }) => m.bot === true),
      );
      await asOwner("DELETE", "/bots/{id}", bot);
      await asOwner("POST", "/bots/{id}/token", `${bot}/token`);

      // A ban that deletes: carol's messages become moderator tombstones.
      const ban = await asOwner("PUT", "/bans/{userId}", `/bans/${carol.id}`, {
        json: { reason: "spam", deleteMessagesSeconds: 3600 },
      });
      assert.ok(ban.body.deletedMessages >= 1);
      await ownerSocket.next(
        "message_update",
        (f) => f.message.deletedBy === "moderator",
      );
      for (const socket of sockets) {
        for (const frame of socket.frames) {
          check.component("ServerFrame", frame, `${frame.type} frame`);
        }
      }
    } finally {
      for (const socket of sockets) await socket.close();
    }
    assert.deepEqual(check.problems, [], check.problems.join("\n"));
    assert.ok(check.checked.size >= 20, `only ${check.checked.size}`);
  }, ["--webhook-allow-private"]);
});

Deno.test("answers of reports, timeouts in force and the instance's settings fit the document", async () => {
  await withHearth(async ({ base }) => {
    const served = await fetch(`${base}/openapi.json`);
    const document = await served.json();
    // Closing a report takes a body or none.
    const closing = document.paths["/reports/{id}"].delete.requestBody;
    assert.equal(closing.required, false);
    const check = new DocumentChecker(document);
    const owner = await signUp(base);
    const bob = await signUp(base);
    const carol = await signUp(base);
    const [asOwner, asBob, asCarol] = [owner, bob, carol].map((who) =>
      checked(check, who.api)
    );
    const room = await asOwner("POST", "/channels", "/channels", {
      json: { name: uniqueName("room") },
    });
    const channel = (rest: string) => `/channels/${room.body.id}${rest}`;
    for (const who of [bob, carol]) {
      await asOwner("POST", "/channels/{id}/members", channel("/members"), {
        json: { username: who.username },
      });
    }
    const say = async (content: string) =>
      (await asCarol("POST", "/channels/{id}/messages", channel("/messages"), {
        json: { content },
      })).body.seq;
    const [first, second] = [await say("rude"), await say("ruder")];

    // Reporting: one open report per reporter and message.
    const reportTemplate = "/channels/{id}/messages/{seq}/report";
    const report = (who: typeof asOwner, seq: number) =>
      who("POST", reportTemplate, channel(`/messages/${seq}/report`), {
        json: { reason: "spam" },
      });
    const made = await report(asBob, first);
    assert.equal(made.status, 201);
    assert.equal(made.body.message.excerpt, "rude");
    assert.equal((await report(asBob, first)).status, 409);
    assert.equal((await report(asCarol, first)).status, 403);
    assert.equal((await report(asBob, 999)).status, 404);
    const other = await report(asBob, second);

    // The queue and closing: without a body, then deleting the message.
    const queue = await asOwner("GET", "/reports", "/reports?limit=10");
    assert.equal(queue.body.length, 2);
    assert.equal((await asBob("GET", "/reports", "/reports")).status, 403);
    const close = (id: string, json?: unknown) =>
      asOwner("DELETE", "/reports/{id}", `/reports/${id}`, { json });
    assert.equal((await close(made.body.id)).status, 204);
    assert.equal((await close(made.body.id)).status, 404);
    const settled = await close(other.body.id, {
      resolution: "removed",
      deleteMessage: true,
    });
    assert.equal(settled.status, 204);
    assert.equal((await report(asBob, second)).status, 409);

    // Timeouts in force.
    await asOwner("PUT", "/timeouts/{userId}", `/timeouts/${carol.id}`, {
      json: { seconds: 600, reason: "cool off" },
    });
    const timeouts = await asOwner("GET", "/timeouts", "/timeouts");
    assert.equal(timeouts.body.length, 1);
    assert.equal((await asCarol("GET", "/timeouts", "/timeouts")).status, 403);

    // The instance's settings (the operator fixed the registration mode).
    const settings = await asOwner("GET", "/settings", "/settings");
    assert.equal(settings.body.registrationSetByOperator, true);
    assert.equal((await asBob("GET", "/settings", "/settings")).status, 403);
    const renamed = await asOwner("PATCH", "/settings", "/settings", {
      json: { name: "Book club" },
    });
    assert.equal(renamed.body.name, "Book club");
    const fixed = await asOwner("PATCH", "/settings", "/settings", {
      json: { registration: "closed" },
    });
    assert.equal(fixed.status, 409);
    assert.equal(
      (await asBob("PATCH", "/settings", "/settings", {
        json: { name: "Mine" },
      })).status,
      403,
    );
    const page = await asOwner("GET", "/settings", "/settings", {
      headers: { accept: "text/html" },
    });
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);

    assert.deepEqual(check.problems, [], check.problems.join("\n"));
    assert.ok(check.checked.size >= 8, `only ${check.checked.size}`);
  });
});
