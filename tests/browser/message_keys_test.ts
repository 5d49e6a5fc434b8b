/** Reaching a message's actions without a mouse: Up-arrow to edit, long-press on a phone. */
import assert from "node:assert/strict";
import { delay } from "../helpers/api.ts";
import { assertAccessible } from "./_axe.ts";
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

Deno.test({
  ...TEST,
  name:
    "the log's message menus are one Tab stop; Up and Down move between messages, Left and Right within a menu",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const { page } = ada;
      for (const text of ["one", "two", "three"]) await ada.send(text);
      await ada.sees("three");
      const tabbable = () =>
        page.locator(".msg-menu button:not([tabindex='-1'])").evaluateAll(
          (buttons) =>
            buttons.map((b) =>
              `${
                b.closest(".msg")?.querySelector(".msg-text")?.textContent
              } ${b.textContent}`
            ),
        );
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement;
          return `${
            el?.closest(".msg")?.querySelector(".msg-text")?.textContent
          } ${el?.textContent}`;
        });
      const focusIs = (wanted: string) =>
        page.waitForFunction((wanted) => {
          const el = document.activeElement;
          return `${
            el?.closest(".msg")?.querySelector(".msg-text")?.textContent
          } ${el?.textContent}` ===
            wanted;
        }, wanted);
      assert.deepEqual(await tabbable(), [
        "three Reply",
        "three React",
        "three Edit",
        "three Delete",
        "three Copy link",
      ]);

      // Shift+Tab from the message box (past Attach) reaches the newest
      // message's menu.
      await page.getByRole("textbox", { name: "Message" }).focus();
      await page.keyboard.press("Shift+Tab");
      await page.getByRole("button", { name: "Attach" }).and(
        page.locator(":focus"),
      ).waitFor();
      await page.keyboard.press("Shift+Tab");
      await focusIs("three Copy link");
      await page.keyboard.press("ArrowRight");
      await focusIs("three Reply");
      await page.keyboard.press("ArrowLeft");
      await focusIs("three Copy link");
      await page.keyboard.press("ArrowUp");
      await focusIs("two Copy link");
      await page.keyboard.press("ArrowUp");
      await focusIs("one Copy link");
      await page.keyboard.press("ArrowUp");
      await focusIs("one Copy link");
      await page.keyboard.press("ArrowDown");
      await focusIs("two Copy link");
      // The Tab stop followed the focus; the menu shows while it has it.
      await page.waitForFunction(() =>
        document.querySelectorAll(".msg-menu button:not([tabindex='-1'])")
          .length === 5
      );
      assert.equal((await tabbable())[0], "two Reply");
      const menu = page.locator(".msg", { hasText: "two" }).getByRole(
        "toolbar",
      );
      assert.equal(
        await menu.evaluate((el) => getComputedStyle(el).opacity),
        "1",
      );
      await assertAccessible(page, "the log with a message menu focused");
      // Tab leaves the log's menus for the message box's Attach button.
      await page.keyboard.press("Tab");
      await page.getByRole("button", { name: "Attach" }).and(
        page.locator(":focus"),
      ).waitFor();
      assert.notEqual(await focused(), "two Copy link");
    });
  },
});
