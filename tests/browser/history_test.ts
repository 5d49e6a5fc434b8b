import assert from "node:assert/strict";
import type { Locator } from "playwright-core";
import { postMessage, signUp } from "../helpers/api.ts";
import { assertGapless, withChat } from "./_chat.ts";

async function top(locator: Locator): Promise<number> {
  return await locator.evaluate((el) => el.getBoundingClientRect().top);
}

Deno.test({
  name:
    "history: scrolling up loads older pages in place; new messages wait behind a pill",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withChat(async (env) => {
      const cleo = await signUp(env.base, "cleo");
      const general = (await cleo.api.get("/channels")).body[0].id;
      for (let i = 1; i <= 130; i++) {
        await postMessage(cleo.api, general, `History line ${i}`);
      }
      const ada = await env.signedUp("ada");
      const { page } = ada;
      const log = ada.log();

      // The server sent the newest page, and the log opens at the bottom.
      assert.deepEqual((await ada.seqs()).slice(0, 1), [81]);
      assert.equal((await ada.seqs()).length, 50);
      const scrollTop = () => log.evaluate((el) => el.scrollTop);
      assert.ok(Math.abs(await scrollTop()) < 2);

      // Scrolling to the top loads a page; what was on screen stays put.
      const anchor = log.locator('[data-seq="81"]');
      await log.evaluate((el) => el.scrollTop = -el.scrollHeight);
      await page.waitForFunction(() =>
        document.querySelectorAll("[data-seq]").length >= 100
      );
      const before = await top(anchor);
      await page.waitForTimeout(100);
      assert.ok(Math.abs((await top(anchor)) - before) < 2, "anchor kept");
      assert.ok(
        before > 0,
        "the older page went in above what the reader was looking at",
      );

      // Keep going until the start of the channel.
      while ((await ada.seqs())[0] !== 1) {
        await log.evaluate((el) => el.scrollTop = -el.scrollHeight);
        await page.waitForTimeout(150);
      }
      await log.getByText("This is the very beginning of the channel.")
        .waitFor();
      const seqs = await ada.seqs();
      assert.equal(seqs.length, 130);
      assertGapless(seqs, "history");

      // Reading old history: a new message does not move the view.
      const reading = log.locator('[data-seq="60"]');
      await reading.scrollIntoViewIfNeeded();
      const at = await top(reading);
      await postMessage(cleo.api, general, "Fresh news");
      const pill = page.getByRole("button", { name: "New messages" });
      await pill.waitFor();
      assert.ok(Math.abs((await top(reading)) - at) < 2, "view kept");
      await pill.click();
      await pill.waitFor({ state: "detached" });
      await page.waitForFunction(() =>
        Math.abs(document.querySelector(".log")!.scrollTop) < 2
      );
      await ada.sees("Fresh news");

      // At the bottom, new messages simply scroll into view.
      await postMessage(cleo.api, general, "More news");
      await ada.sees("More news");
      assert.ok(Math.abs(await scrollTop()) < 2);
      assert.equal(await pill.count(), 0);
    });
  },
});
