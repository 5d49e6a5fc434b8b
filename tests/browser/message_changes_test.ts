import assert from "node:assert/strict";
import { Api, signIn } from "../helpers/api.ts";
import { withChat } from "./_chat.ts";
import { assertAccessible } from "./_axe.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };
const PASSWORD = "correct horse battery";

Deno.test({
  ...TEST,
  name:
    "message changes: an edit, a reply, reactions and a deletion show live on the other page",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const channelId = ada.page.url().split("/c/")[1];
      const adaApi = new Api(env.base, await signIn(env.base, "ada", PASSWORD));
      const benApi = new Api(env.base, await signIn(env.base, "ben", PASSWORD));
      const path = (seq: number, suffix = "") =>
        `/channels/${channelId}/messages/${seq}${suffix}`;

      await ada.send("The first draft");
      await ben.sees("The first draft");
      const [original] = (await adaApi.get(`/channels/${channelId}/messages`))
        .body;

      const edited = await adaApi.send("PATCH", path(original.seq), {
        json: { content: "The final text" },
      });
      assert.equal(edited.status, 200);
      await ben.sees("The final text");
      const row = ben.log().locator(`.msg[data-seq="${original.seq}"]`);
      await row.locator(".msg-edited", { hasText: "(edited)" }).waitFor();

      const reply = await benApi.post(`/channels/${channelId}/messages`, {
        content: "Agreed",
        replyTo: original.seq,
      });
      assert.equal(reply.status, 201);
      const quote = ada.log().locator(
        `.msg[data-seq="${reply.body.seq}"] .msg-reply`,
      );
      await quote.filter({ hasText: "The final text" }).waitFor();
      assert.match(await quote.textContent() ?? "", /ada/);

      await adaApi.send(
        "PUT",
        path(original.seq, "/reactions/%F0%9F%8E%89"),
        {},
      );
      const chip = row.getByRole("button", { name: "🎉 1 reaction" });
      await chip.waitFor();
      assert.equal(await chip.getAttribute("aria-pressed"), "false");
      await assertAccessible(
        ben.page,
        "a message with an edit, a reply and reactions",
      );
      // Ben's click adds his own; both pages count two, and his chip is pressed.
      await chip.click();
      const both = row.getByRole("button", { name: "🎉 2 reactions" });
      await both.waitFor();
      assert.equal(await both.getAttribute("aria-pressed"), "true");
      await ada.log().locator(`.msg[data-seq="${original.seq}"]`)
        .getByRole("button", { name: "🎉 2 reactions" }).waitFor();

      assert.equal(
        (await adaApi.send("DELETE", path(original.seq), {})).status,
        204,
      );
      await row.locator(".msg-deleted", { hasText: "Message deleted" })
        .waitFor();
      assert.equal(await row.locator(".reaction").count(), 0);
      await ben.log().locator(
        `.msg[data-seq="${reply.body.seq}"] .msg-reply-text`,
        { hasText: "Message deleted" },
      ).waitFor();
      assert.equal(await ben.count("The final text"), 0);

      // A mention of Ada stands out on her page, not on Ben's; its quote
      // links to the message it answers.
      await ben.send("@ada are you there?");
      await ada.log().locator(".msg.msg-mention", {
        hasText: "@ada are you there?",
      }).waitFor();
      assert.equal(await ben.log().locator(".msg-mention").count(), 0);
      await assertAccessible(ada.page, "a message that mentions me");
      assert.equal(
        await ada.log().locator(
          `.msg[data-seq="${reply.body.seq}"] a.msg-reply`,
        )
          .getAttribute("href"),
        `/c/${channelId}?m=${original.seq}`,
      );
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "message actions: reply, react, edit in place and delete with a confirm, from the message's menu",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      await ada.send("Lunch at noon?");
      await ben.sees("Lunch at noon?");
      const message = (page: typeof ada.page, text: string) =>
        page.getByRole("log").locator(".msg", { hasText: text }).first();

      // Ben reacts from the menu, then replies.
      const onBen = message(ben.page, "Lunch at noon?");
      await onBen.hover();
      const menu = onBen.getByRole("toolbar");
      await menu.getByRole("button", { name: "React" }).click();
      await assertAccessible(ben.page, "a message's menu with its emoji");
      await menu.getByRole("button", { name: "React with 👍" }).click();
      await message(ada.page, "Lunch at noon?")
        .getByRole("button", { name: "👍 1 reaction" }).waitFor();
      await onBen.hover();
      await menu.getByRole("button", { name: "Reply" }).click();
      await ben.page.locator(".reply-bar", { hasText: "Replying to ada" })
        .waitFor();
      await ben.send("Count me in");
      await ben.page.locator(".reply-bar").waitFor({ state: "detached" });
      await message(ada.page, "Count me in").locator(".msg-reply", {
        hasText: "Lunch at noon?",
      }).waitFor();

      // Ada edits her message in place: Enter saves.
      const onAda = message(ada.page, "Lunch at noon?");
      await onAda.hover();
      await onAda.getByRole("toolbar").getByRole("button", { name: "Edit" })
        .click();
      const box = ada.page.getByRole("textbox", { name: "Edit message" });
      await box.fill("Lunch at one?");
      await box.press("Enter");
      const edited = message(ben.page, "Lunch at one?");
      await edited.locator(".msg-edited").waitFor();
      // The quote in Ben's reply follows the edit.
      await message(ben.page, "Count me in").locator(".msg-reply", {
        hasText: "Lunch at one?",
      }).waitFor();
      // Ben's menu on Ada's message offers neither Edit nor Delete.
      await edited.hover();
      assert.equal(
        await edited.getByRole("button", { name: "Edit" }).count(),
        0,
      );

      // Ada deletes it, after saying yes.
      const again = message(ada.page, "Lunch at one?");
      await again.hover();
      await again.getByRole("toolbar").getByRole("button", { name: "Delete" })
        .click();
      await again.getByRole("button", { name: "Delete", exact: true }).click();
      await ben.page.getByRole("log").locator(".msg-deleted", {
        hasText: "Message deleted",
      }).waitFor();
      assert.equal(await ben.count("Lunch at one?"), 0);
    });
  },
});

Deno.test({
  ...TEST,
  name: "mentions: another channel's unread mentions of me show as an @ badge",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      await ada.createChannel("side");
      const side = ada.page.url().split("/c/")[1];
      const benApi = new Api(env.base, await signIn(env.base, "ben", PASSWORD));
      assert.equal((await benApi.post(`/channels/${side}/join`)).status, 200);
      await ada.open("general");
      const res = await benApi.post(`/channels/${side}/messages`, {
        content: "@ada a word in #side",
      });
      assert.deepEqual(res.body.mentions.length, 1);
      const link = ada.nav().getByRole("link", { name: /side/ });
      // The list is reloaded when the tab comes back into focus.
      const deadline = Date.now() + 15_000;
      while (!(await link.locator(".badge-mention").count())) {
        assert.ok(Date.now() < deadline, "no mention badge on #side");
        await ada.page.evaluate(() => dispatchEvent(new Event("focus")));
        await ada.page.waitForTimeout(1100);
      }
      assert.equal(
        (await link.locator(".badge-mention").textContent())?.trim(),
        "@1 mention",
      );
      await assertAccessible(ada.page, "a channel link with a mention badge");
      await ben.page.close();
    });
  },
});
