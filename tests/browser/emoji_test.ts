import assert from "node:assert/strict";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name:
    "emoji: :shortcode: completes from an emoji list fetched on first use, and the other person sees the emoji",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada", { colorScheme: "dark" });
      const ben = await env.signedUp("ben");
      const { page } = ada;
      const fetched: string[] = [];
      page.on("request", (request) => {
        if (request.url().endsWith("/emoji.json")) fetched.push(request.url());
      });
      const box = page.getByRole("textbox", { name: "Message" });
      const list = page.getByRole("listbox", { name: "Emoji" });

      // Times and words ending in a colon open nothing, and load nothing.
      await box.pressSequentially("Meet at 12:30, note: ");
      assert.equal(await list.count(), 0);
      assert.deepEqual(fetched, []);

      await box.pressSequentially("nice :thumbs");
      await list.waitFor();
      assert.equal(fetched.length, 1);
      const first = list.getByRole("option").first();
      assert.equal(await first.textContent(), "👍:thumbsup:");
      assert.equal(await first.getAttribute("aria-selected"), "true");
      await assertAccessible(page, "the chat with the emoji list open (dark)");
      await page.screenshot({ path: "/tmp/hearth-emoji-dark.png" });

      await box.press("Enter");
      await list.waitFor({ state: "detached" });
      assert.equal(await box.inputValue(), "Meet at 12:30, note: nice 👍 ");

      // Narrowing and a second emoji use the list already fetched.
      await box.pressSequentially("and :tad");
      await list.getByRole("option", { name: /:tada:/ }).click();
      await box.press("Enter");
      await ben.sees("Meet at 12:30, note: nice 👍 and 🎉");
      assert.equal(fetched.length, 1);
    });
  },
});
