import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { chatReady, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

// Badges move live with the socket's activity frames; the list itself is
// reloaded on every reconnect and whenever the tab regains focus, which is how
// a read in another tab reaches this one.
async function badge(page: Page, channel: string): Promise<string> {
  const link = page.getByRole("navigation", { name: "Channels" })
    .getByRole("link", { name: channel });
  return (await link.locator(".badge").allTextContents()).join("|");
}

async function waitForBadge(page: Page, channel: string, want: string) {
  const deadline = Date.now() + 15_000;
  while (true) {
    await page.evaluate(() => dispatchEvent(new Event("focus")));
    const got = await badge(page, channel);
    if (got === want) return;
    if (Date.now() > deadline) {
      assert.fail(`badge of ${channel}: wanted "${want}", got "${got}"`);
    }
    await page.waitForTimeout(1100);
  }
}

Deno.test({
  ...TEST,
  name:
    "unread: a badge counts up in another channel, clears when opened, and agrees across tabs",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");

      // Ada creates "side" and stays there; Ben talks in general.
      await ada.createChannel("side");
      assert.equal(await badge(ada.page, "general"), "");

      await ben.send("One for general");
      await ben.send("Two for general");
      await ben.sees("Two for general");
      await waitForBadge(ada.page, "general", "2 unread");

      // A second tab of Ada's sees the same count.
      const tab = await ada.context.newPage();
      await tab.goto(ada.page.url());
      await chatReady(tab);
      assert.equal(await badge(tab, "general"), "2 unread");

      // Opening general shows and reads them; the badge goes everywhere.
      const read = ada.page.waitForRequest((r) =>
        r.url().endsWith("/read") && r.method() === "POST"
      );
      await ada.open("general");
      await ada.sees("Two for general");
      assert.equal(await badge(ada.page, "general"), "");
      assert.deepEqual((await read).postDataJSON(), { seq: 2 });
      await ada.page.locator(".unread-divider").waitFor();
      await waitForBadge(tab, "general", "");
      await tab.close();
    });
  },
});

Deno.test({
  ...TEST,
  name: "unread: a badge appears live, without waiting for the list to refresh",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      await ada.createChannel("side");
      // Only the socket can tell her now: the list reloads on a reconnect or
      // a focus, and this waits for neither.
      await ben.send("Live for general");
      const deadline = Date.now() + 4000;
      while (await badge(ada.page, "general") !== "1 unread") {
        if (Date.now() > deadline) {
          assert.fail(
            `badge of general: "${await badge(ada.page, "general")}" after 4 s`,
          );
        }
        await ada.page.waitForTimeout(100);
      }
    });
  },
});
