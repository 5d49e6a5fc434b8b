/** Reaching a message's actions without a mouse: Up-arrow to edit, long-press on a phone. */
import assert from "node:assert/strict";
import { delay } from "../helpers/api.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name:
    "Up-arrow in an empty message box edits my last message; Esc cancels and the box has the focus again",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const { page } = ada;
      const box = page.getByRole("textbox", { name: "Message" });
      const editor = page.getByRole("textbox", { name: "Edit message" });
      const composerFocused = () =>
        page.waitForFunction(() => document.activeElement?.id === "composer");

      await ada.send("first of mine");
      await ada.send("secnod of mine");
      await ada.sees("secnod of mine");
      await ben.send("not mine to edit");
      await ada.sees("not mine to edit");

      // With text in the box, Up moves the caret as usual.
      await box.fill("a draft");
      await box.press("ArrowUp");
      await delay(300);
      assert.equal(await editor.count(), 0);
      await box.fill("");

      // Empty: Up opens my newest message (not Ben's newer one) in its editor.
      await box.press("ArrowUp");
      await editor.waitFor();
      assert.equal(await editor.inputValue(), "secnod of mine");
      await page.waitForFunction(() =>
        document.activeElement?.getAttribute("aria-label") === "Edit message"
      );
      await editor.fill("second of mine");
      await editor.press("Enter");
      await ben.sees("second of mine");
      await editor.waitFor({ state: "detached" });
      await composerFocused();

      // Again, and Esc: nothing changes and the message box has the focus.
      await box.press("ArrowUp");
      await editor.waitFor();
      assert.equal(await editor.inputValue(), "second of mine");
      await editor.press("Escape");
      await editor.waitFor({ state: "detached" });
      await composerFocused();
      assert.equal(await ada.count("second of mine"), 1);
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "long-press on a message on a touch screen opens its actions; a tap does not",
  async fn() {
    await withChat(async (env) => {
      const phone = { width: 390, height: 844 };
      const ada = await env.signedUp("ada", {
        viewport: phone,
        hasTouch: true,
      });
      await ada.send("hold me");
      await ada.sees("hold me");
      const { page } = ada;
      const row = ada.log().locator(".msg", { hasText: "hold me" });
      const menu = row.getByRole("toolbar");
      const box = await row.locator(".msg-text").boundingBox();
      assert.ok(box);
      const point = { x: box.x + 10, y: box.y + box.height / 2 };
      const cdp = await ada.context.newCDPSession(page);
      const touch = async (hold: number) => {
        await cdp.send("Input.dispatchTouchEvent", {
          type: "touchStart",
          touchPoints: [point],
        });
        await delay(hold);
        await cdp.send("Input.dispatchTouchEvent", {
          type: "touchEnd",
          touchPoints: [],
        });
      };
      const menuFocused = () =>
        page.evaluate(() =>
          document.activeElement?.closest(".msg-menu") !== null
        );

      // A tap is a tap.
      await touch(50);
      await delay(800);
      assert.equal(await menuFocused(), false, "a tap opens nothing");

      await touch(800);
      await page.waitForFunction(() =>
        document.activeElement?.closest(".msg-menu") !== null
      );
      assert.equal(
        await menu.evaluate((el) => getComputedStyle(el).opacity),
        "1",
      );
      await menu.getByRole("button", { name: "Reply" }).click();
      await page.locator(".reply-bar").waitFor();
    });
  },
});
