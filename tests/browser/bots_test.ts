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
      const members = ada.page.getByRole("complementary", { name: "Members" });
      await members.locator(".member", { hasText: "Deploy" })
        .locator(".msg-badge", { hasText: "BOT" }).waitFor();

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
      await ada.page.screenshot({ path: "/tmp/hearth-bot-badge.png" });
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "bots: a channel's owner makes an incoming webhook in Edit channel, sees its URL once, and revokes it",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const { page } = ada;
      await page.getByRole("button", { name: "Channel options" }).click();
      await page.getByRole("menuitem", { name: "Edit channel" }).click();
      const edit = page.getByRole("dialog", { name: "Edit channel" });
      await edit.waitFor();
      const section = edit.getByRole("region", { name: "Webhooks" });
      await section.getByRole("textbox", { name: "Webhook name" }).fill("CI");
      await section.getByRole("button", { name: "Create webhook" }).click();
      const shown = section.getByRole("textbox", { name: /New webhook URL/ });
      await shown.waitFor();
      const url = await shown.inputValue();
      assert.match(url, /\/hooks\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{43}$/);
      await section.getByRole("button", { name: "Revoke webhook CI" })
        .waitFor();
      await assertAccessible(page, "the edit-channel dialog with a webhook");
      await page.screenshot({ path: "/tmp/hearth-webhooks.png" });

      const sent = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ content: "hello from CI" }),
      });
      assert.equal(sent.status, 201);
      await sent.body?.cancel();
      await ada.sees("hello from CI");

      await section.getByRole("button", { name: "Revoke webhook CI" }).click();
      await section.getByRole("button", { name: "Revoke webhook CI" })
        .waitFor({ state: "detached" });
      const after = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ content: "too late" }),
      });
      assert.equal(after.status, 404);
      await after.body?.cancel();
    });
  },
});
