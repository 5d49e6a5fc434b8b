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
    });
  },
});
