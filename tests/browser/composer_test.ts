import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

const box = (page: Page) => page.getByRole("textbox", { name: "Message" });

/** Waits until the message box holds exactly `text` (drafts return after hydration). */
async function boxHolds(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (wanted) =>
      (document.querySelector("#composer") as HTMLTextAreaElement | null)
        ?.value === wanted,
    text,
  );
}

/** Pastes `text` into the focused message box with the real clipboard. */
async function paste(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await box(page).focus();
  await page.keyboard.press("ControlOrMeta+V");
}

Deno.test({
  ...TEST,
  name:
    "composer: a draft survives a channel switch and a reload, and is gone once sent",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");

      await box(ada.page).fill("Half a thought about roses");
      await ada.createChannel("garden");
      await boxHolds(ada.page, "");
      await box(ada.page).fill("A garden draft");

      await ada.open("general");
      await boxHolds(ada.page, "Half a thought about roses");
      await ada.page.reload();
      await ada.ready();
      await boxHolds(ada.page, "Half a thought about roses");
      await ada.open("garden");
      await boxHolds(ada.page, "A garden draft");

      // Sent from the restored draft: the other person sees it live.
      await ada.open("general");
      await boxHolds(ada.page, "Half a thought about roses");
      await box(ada.page).press("Enter");
      await ben.sees("Half a thought about roses");
      await boxHolds(ada.page, "");
      await ada.page.reload();
      await ada.ready();
      await ada.sees("Half a thought about roses");
      await boxHolds(ada.page, "");

      // Ben's browser holds none of Ada's drafts; signing out clears hers.
      assert.equal(
        await ben.page.evaluate(() => localStorage.length),
        0,
      );
      await ada.page.locator(".user-button").click();
      await ada.page.getByRole("menuitem", { name: "Sign out" }).click();
      await ada.page.waitForURL((url) => url.pathname === "/");
      const left = await ada.page.evaluate(() =>
        Object.keys(localStorage).filter((k) => k.startsWith("hearth:draft:"))
      );
      assert.deepEqual(left, []);
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "composer: 4,000 emoji fit, a counter shows near the limit, and nothing is cut",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      await ada.context.grantPermissions(["clipboard-read", "clipboard-write"]);
      const { page } = ada;
      const counter = page.locator("#composer-count");

      // No counter far from the limit.
      await box(page).fill("🔥".repeat(3000));
      assert.equal(await counter.count(), 0);

      // Counted in characters like the server: 4,000 emoji are 8,000 UTF-16 units.
      await box(page).fill("🔥".repeat(4000));
      await counter.getByText("4,000 / 4,000").waitFor();
      assert.equal((await box(page).inputValue()).length, 8000);
      await assertAccessible(page, "the composer with its counter");
      await box(page).press("Enter");
      await ben.sees("🔥".repeat(4000));

      // A paste that would pass the limit is refused whole, with an offer.
      await box(page).fill("Intro: ");
      const long = "ab".repeat(3000);
      await paste(page, long);
      const notice = page.getByRole("alert").filter({ hasText: "Not pasted" });
      await notice.getByText(
        "the message would be 6,007 characters, and the limit is 4,000",
        { exact: false },
      ).waitFor();
      assert.equal(await box(page).inputValue(), "Intro: ");
      await assertAccessible(page, "the composer refusing a paste");
      await notice.getByRole("button", { name: "Send as a text file" }).click();
      const card = ben.log().locator(".attachment-name", {
        hasText: /^message-.*\.txt$/,
      });
      await card.waitFor();
      assert.equal(await notice.count(), 0);
      assert.equal(await box(page).inputValue(), "Intro: ");

      // A paste that fits goes in as usual.
      await paste(page, "short and sweet");
      await boxHolds(page, "Intro: short and sweet");

      // Typed past the limit: the counter turns red and Send explains.
      await box(page).fill("x".repeat(4001));
      await page.locator("#composer-count.over").getByText("4,001 / 4,000")
        .waitFor();
      await box(page).press("Enter");
      await page.getByRole("alert").getByText(
        "Not sent: the message is 4,001 characters",
        { exact: false },
      ).waitFor();
      assert.equal(await box(page).inputValue(), "x".repeat(4001));
      await page.screenshot({ path: "/tmp/hearth-composer-over.png" });
      assert.equal(await ben.count("x".repeat(4001)), 0);
    });
  },
});
