import assert from "node:assert/strict";
import { Api, signIn } from "../helpers/api.ts";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };
const PASSWORD = "correct horse battery";

Deno.test({
  ...TEST,
  name:
    "emoji picker: search, pick with the keyboard or a click, a Recent row kept across reloads, focus back where it was",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const { page } = ben;
      const channelId = ada.page.url().split("/c/")[1];
      const adaApi = new Api(env.base, await signIn(env.base, "ada", PASSWORD));
      const fetched: string[] = [];
      page.on("request", (request) => {
        const url = request.url();
        if (/\/emoji\.json$|EmojiPicker-/.test(url)) fetched.push(url);
      });

      await ada.send("Pick something for this");
      await ben.sees("Pick something for this");
      const seq = (await ben.seqs()).at(-1)!;
      const row = ben.log().locator(`.msg[data-seq="${seq}"]`);
      const adaRow = ada.log().locator(`.msg[data-seq="${seq}"]`);
      const dialog = page.getByRole("dialog", { name: "Pick an emoji" });
      const search = dialog.getByRole("combobox", { name: "Search emoji" });
      const options = dialog.getByRole("listbox", { name: "Emoji" });

      // Ada reacts with emojibase's spelling of 👍 (with U+FE0F) over HTTP.
      const put = await adaApi.send(
        "PUT",
        `/channels/${channelId}/messages/${seq}/reactions/${
          encodeURIComponent("👍\uFE0F")
        }`,
        {},
      );
      assert.equal(put.status, 204);
      await row.getByRole("button", { name: "👍 1 reaction" }).waitFor();
      assert.equal(fetched.length, 0, "nothing of the picker loads up front");

      // The "+" after the chips opens the picker; its code and data load now.
      const add = row.getByRole("button", { name: "Add reaction" });
      await add.click();
      await dialog.waitFor();
      await options.getByRole("group", { name: "Smileys & emotion" })
        .waitFor();
      assert.equal(fetched.filter((u) => u.endsWith("/emoji.json")).length, 1);
      assert.equal(fetched.filter((u) => u.includes("EmojiPicker-")).length, 1);
      assert.equal(
        await options.getByRole("group", { name: "Recent" }).count(),
        0,
        "no Recent row before any reaction",
      );
      await assertAccessible(page, "the emoji picker");
      await page.screenshot({ path: "/tmp/hearth-emoji-picker.png" });

      // Typing searches names and shortcodes; the first result is active and
      // Enter picks it: the picker closes and focus is back on the "+".
      await search.pressSequentially("rocket");
      const rocket = options.getByRole("option", { name: "rocket" });
      await options.getByRole("option", { name: "rocket", selected: true })
        .waitFor();
      assert.equal(await options.getByRole("option").count(), 1);
      assert.equal(
        await search.getAttribute("aria-activedescendant"),
        await rocket.getAttribute("id"),
      );
      await search.press("Enter");
      await dialog.waitFor({ state: "detached" });
      await adaRow.getByRole("button", { name: "🚀 1 reaction" }).waitFor();
      await page.waitForFunction(() =>
        document.activeElement?.getAttribute("aria-label") === "Add reaction"
      );

      // From the menu's React panel, "More emoji" opens it again: Recent
      // holds the rocket; arrows move, Esc closes and focus goes back.
      await row.hover();
      const menu = row.getByRole("toolbar");
      await menu.getByRole("button", { name: "React" }).click();
      const more = menu.getByRole("button", { name: "More emoji" });
      await more.click();
      const recent = options.getByRole("group", { name: "Recent" });
      await recent.getByRole("option", { name: "rocket" }).waitFor();
      await options.getByRole("option", { name: "thumbs up", selected: true })
        .waitFor();
      await search.press("ArrowRight");
      await options.getByRole("option", { name: "red heart", selected: true })
        .waitFor();
      await search.press("ArrowDown");
      await recent.getByRole("option", { name: "rocket", selected: true })
        .waitFor();
      await search.press("Escape");
      await dialog.waitFor({ state: "detached" });
      await page.waitForFunction(() =>
        document.activeElement?.getAttribute("aria-label") === "More emoji"
      );
      await menu.getByRole("button", { name: "More emoji" }).click();

      // A click picks too: thumbs up joins Ada's reaction, one chip for both
      // spellings, and Ben's is pressed.
      await search.fill("thumbs");
      await options.getByRole("option", { name: "thumbs up" }).click();
      await dialog.waitFor({ state: "detached" });
      await row.getByRole("button", { name: "👍 2 reactions", pressed: true })
        .waitFor();
      await adaRow.getByRole("button", { name: "👍 2 reactions" }).waitFor();

      // The quick row counts others' reactions as theirs: after Ben's 🎉,
      // Ada's adds hers rather than taking nothing away. (Ben's React panel
      // stayed open behind the picker.)
      await menu.getByRole("button", { name: "React with 🎉" }).click();
      await adaRow.getByRole("button", { name: "🎉 1 reaction" }).waitFor();
      await adaRow.hover();
      const adaMenu = adaRow.getByRole("toolbar");
      await adaMenu.getByRole("button", { name: "React" }).click();
      await adaMenu.getByRole("button", { name: "React with 🎉" }).click();
      await row.getByRole("button", { name: "🎉 2 reactions" }).waitFor();

      // The Recent row outlives the page: newest first.
      await page.reload();
      await ben.ready();
      await row.getByRole("button", { name: "Add reaction" }).click();
      const kept = options.getByRole("group", { name: "Recent" })
        .getByRole("option");
      await kept.first().waitFor();
      assert.deepEqual(await kept.allTextContents(), ["🎉", "👍", "🚀"]);
      // No match says so.
      await search.fill("zzzzqx");
      await dialog.getByRole("status").filter({ hasText: "No emoji match" })
        .waitFor();
      assert.equal(await options.getByRole("option").count(), 0);
      await dialog.getByRole("button", { name: "Close" }).click();
      await dialog.waitFor({ state: "detached" });

      // Signing out forgets them on this browser.
      await page.locator(".user-button").click();
      await page.getByRole("menuitem", { name: "Sign out" }).click();
      await page.waitForURL((url) => url.pathname === "/");
      const left = await page.evaluate(() =>
        Object.keys(localStorage).filter((k) =>
          k.startsWith("hearth:recent-emoji:")
        )
      );
      assert.deepEqual(left, []);
    });
  },
});
