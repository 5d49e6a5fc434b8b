import assert from "node:assert/strict";
import { request } from "../helpers/api.ts";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name:
    "bots: messages of a bot and of an incoming webhook show live with their badge",
  async fn() {
    await withChat(async (env) => {
      // The first account is the instance's owner, so it may make bots.
      const ada = await env.signedUp("ada");
      const cookie = (await ada.context.cookies()).find((c) =>
        c.name === "hearth_token"
      );
      assert.ok(cookie);
      const token = cookie.value;
      const channelId = new URL(ada.page.url()).pathname.split("/").pop()!;
      const made = await request(env.base, "POST", "/bots", {
        token,
        json: { username: "deploybot", displayName: "Deploy" },
      });
      assert.equal(made.status, 201);
      const added = await request(
        env.base,
        "POST",
        `/channels/${channelId}/members`,
        { token, json: { username: "deploybot" } },
      );
      assert.equal(added.status, 201);
      const posted = await request(
        env.base,
        "POST",
        `/channels/${channelId}/messages`,
        {
          headers: { authorization: `Bot ${made.body.token}` },
          json: { content: "Deployed v1.2.3" },
        },
      );
      assert.equal(posted.status, 201);
      await ada.sees("Deployed v1.2.3");
      const botMessage = ada.log().locator(".msg", {
        hasText: "Deployed v1.2.3",
      });
      await botMessage.locator(".msg-badge", { hasText: "BOT" }).waitFor();

      const hook = await request(
        env.base,
        "POST",
        `/channels/${channelId}/webhooks`,
        { token, json: { name: "CI" } },
      );
      assert.equal(hook.status, 201);
      const sent = await fetch(hook.body.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "Build passed" }),
      });
      assert.equal(sent.status, 201);
      await sent.body?.cancel();
      await ada.sees("Build passed");
      const hookMessage = ada.log().locator(".msg", {
        hasText: "Build passed",
      });
      await hookMessage.locator(".msg-author", { hasText: "CI" }).waitFor();
      await hookMessage.locator(".msg-badge", { hasText: "WEBHOOK" }).waitFor();
      await assertAccessible(
        ada.page,
        "the chat with bot and webhook messages",
      );
    });
  },
});
