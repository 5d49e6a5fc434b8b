import assert from "node:assert/strict";
import { Api, signIn } from "../helpers/api.ts";
import { withChat } from "./_chat.ts";
import { assertAccessible } from "./_axe.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };
const PASSWORD = "correct horse battery";

Deno.test({
  ...TEST,
  name:
    "search: Ctrl+K finds an edited message by its new text and opens it; a permalink opens an old message highlighted",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const channelId = ada.page.url().split("/c/")[1];
      const api = new Api(env.base, await signIn(env.base, "ada", PASSWORD));
      const post = async (content: string) =>
        (await api.post(`/channels/${channelId}/messages`, { content })).body;
      const old = await post("the lighthouse keeper's log");
      for (let i = 0; i < 120; i++) await post(`filler ${i}`);
      const edited = await post("meet at the old pier");
      const res = await api.send(
        "PATCH",
        `/channels/${channelId}/messages/${edited.seq}`,
        { json: { content: "meet at the new harbour" } },
      );
      assert.equal(res.status, 200);
      const reply = (await api.post(`/channels/${channelId}/messages`, {
        content: "answering the first one",
        replyTo: old.seq,
      })).body;
      await ada.page.reload();
      await ada.page.locator("[data-ready]").waitFor();

      await ada.page.keyboard.press("Control+k");
      const dialog = ada.page.getByRole("dialog", { name: "Search messages" });
      await dialog.waitFor();
      await dialog.getByRole("searchbox").fill("harbour");
      const hit = dialog.locator(".search-hit", { hasText: "new harbour" });
      await hit.waitFor();
      assert.equal(await hit.locator("mark").textContent(), "harbour");
      await dialog.getByRole("searchbox").fill("old pier");
      await dialog.getByText("No messages found.").waitFor();
      await dialog.getByRole("searchbox").fill("harbour");
      await hit.waitFor();
      await assertAccessible(ada.page, "the search dialog with results");
      await hit.click();
      await ada.page.waitForURL(`**/c/${channelId}?m=${edited.seq}`);
      await ada.page.locator(
        `#message-${edited.seq}.permalinked`,
      ).waitFor();

      // An old message, far above the newest page: loaded around, highlighted.
      await ada.page.goto(`${env.base}/c/${channelId}?m=${old.seq}`);
      const target = ada.page.locator(`#message-${old.seq}.permalinked`);
      await target.waitFor();
      assert.ok(await target.isVisible());
      assert.ok(
        await target.evaluate((el) => {
          const box = el.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= innerHeight;
        }),
        "the message is in view",
      );
      // History after it arrives too (from the socket), and stays below it.
      await ada.page.locator(`#message-${old.seq + 30}`).waitFor();
      await ada.log().getByText(`filler 119`).waitFor();

      // A reply's quote whose original is not loaded opens it the same way.
      await ada.page.goto(`${env.base}/c/${channelId}`);
      await ada.page.locator("[data-ready]").waitFor();
      assert.equal(await ada.page.locator(`#message-${old.seq}`).count(), 0);
      await ada.log().locator(`#message-${reply.seq} .msg-reply`).click();
      await ada.page.waitForURL(`**/c/${channelId}?m=${old.seq}`);
      await target.waitFor();
    });
  },
});
