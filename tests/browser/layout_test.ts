import assert from "node:assert/strict";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };
const PHONE = { width: 375, height: 812 };

Deno.test({
  ...TEST,
  name:
    "layout: at 375 px the channels are a drawer and nothing scrolls sideways",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada", { viewport: PHONE });
      const { page } = ada;
      await ada.send("Hello from a phone with a rather long line of text");
      await ada.sees("Hello from a phone with a rather long line of text");
      const wide = await page.evaluate(() =>
        document.documentElement.scrollWidth
      );
      assert.ok(wide <= PHONE.width, `page is ${wide} px wide`);

      // Closed drawer: hidden from sight and from the keyboard.
      const nav = ada.nav();
      assert.equal(await nav.isVisible(), false);
      const open = page.getByRole("button", { name: "Open channels" });
      assert.equal(await open.getAttribute("aria-expanded"), "false");
      await open.click();
      await nav.getByRole("link", { name: "general" }).waitFor();
      assert.equal(await open.getAttribute("aria-expanded"), "true");
      // Focus moves into the drawer (once it has opened); Escape closes it
      // and returns focus.
      await page.waitForFunction(
        () =>
          document.activeElement?.closest("nav")?.getAttribute("aria-label") ===
            "Channels",
        undefined,
        { timeout: 5000 },
      );
      await page.keyboard.press("Escape");
      await nav.waitFor({ state: "hidden" });
      assert.equal(
        await page.evaluate(() =>
          document.activeElement?.getAttribute("aria-label")
        ),
        "Open channels",
      );

      // The member list is collapsed and opens on demand.
      const members = page.getByRole("complementary", { name: "Members" });
      assert.equal(await members.isVisible(), false);
      const toggle = page.getByRole("button", { name: "Members" });
      assert.equal(await toggle.getAttribute("aria-expanded"), "false");
      await toggle.click();
      await members.getByText("ada").waitFor();
      const hide = members.getByRole("button", { name: "Hide members" });
      await page.waitForFunction(() =>
        document.activeElement?.getAttribute("aria-label") === "Hide members"
      );
      await page.keyboard.press("Escape");
      await members.waitFor({ state: "hidden" });
      assert.equal(await toggle.getAttribute("aria-expanded"), "false");
      await toggle.click();
      await hide.click();
      await members.waitFor({ state: "hidden" });
    });
  },
});

Deno.test({
  ...TEST,
  name: "keyboard: a message can be written and sent without a mouse",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const { page } = ada;
      await page.reload();
      await ada.ready();

      // The first Tab reaches the skip link, which leads to the message box.
      await page.keyboard.press("Tab");
      const skip = page.getByRole("link", { name: "Skip to message box" });
      assert.equal(
        await skip.evaluate((el) => el === document.activeElement),
        true,
      );
      await page.keyboard.press("Enter");
      const box = page.getByRole("textbox", { name: "Message" });
      await page.waitForFunction(() =>
        document.activeElement?.id === "composer"
      );

      // Shift+Enter adds a line; Enter sends.
      await page.keyboard.type("First line");
      await page.keyboard.press("Shift+Enter");
      await page.keyboard.type("Second line");
      await page.keyboard.press("Enter");
      await ben.sees("First line\nSecond line");
      assert.equal(await box.inputValue(), "");

      // The Send button works from the keyboard too, and shows its focus.
      await page.keyboard.type("Sent with the button");
      await page.keyboard.press("Tab");
      const send = page.getByRole("button", { name: "Send" });
      assert.equal(
        await send.evaluate((el) => el === document.activeElement),
        true,
      );
      const outline = await send.evaluate((el) =>
        getComputedStyle(el).outlineStyle
      );
      assert.notEqual(outline, "none");
      await page.keyboard.press("Enter");
      await ben.sees("Sent with the button");

      // The user menu opens from the keyboard and signs out.
      const menuButton = page.locator(".user-menu").getByRole("button", {
        name: "ada",
      });
      await menuButton.focus();
      await page.keyboard.press("Enter");
      const signOut = page.getByRole("menuitem", { name: "Sign out" });
      await page.waitForFunction(() =>
        document.activeElement?.getAttribute("role") === "menuitem"
      );
      await page.keyboard.press("Escape");
      await signOut.waitFor({ state: "detached" });
      await page.keyboard.press("Enter");
      await signOut.waitFor();
      await page.waitForFunction(() =>
        document.activeElement?.textContent?.includes("Sign out")
      );
      await page.keyboard.press("Enter");
      await page.waitForURL(env.base + "/");
      await page.getByRole("button", { name: "Sign in" }).waitFor();
    });
  },
});

Deno.test({
  ...TEST,
  name: "layout: dark mode follows the system colour scheme",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada", { colorScheme: "dark" });
      const [bg, text] = await ada.page.locator("main").evaluate((el) => {
        const style = getComputedStyle(el);
        return [style.backgroundColor, style.color];
      });
      assert.equal(bg, "rgb(29, 25, 23)");
      assert.equal(text, "rgb(243, 237, 231)");
    });
  },
});
