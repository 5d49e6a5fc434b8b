import assert from "node:assert/strict";
import { launchBrowser } from "../helpers/browser.ts";
import { withServer } from "../helpers/server.ts";

Deno.test({
  name: "the sign-in island hydrates in Chromium and reacts to a click",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withServer(async ({ base }) => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));
        await page.goto(base + "/");
        // Server HTML alone shows no message; only the hydrated island can add one.
        assert.equal(await page.getByRole("alert").textContent(), "");
        // The buttons are enabled only once the island is live.
        await page.getByRole("button", { name: "Sign in", disabled: false })
          .click();
        await page.getByText("Enter your username.").waitFor();
        await page.getByLabel("Username").fill("someone");
        await page.getByRole("button", { name: "Create account" }).click();
        await page.getByText("Enter your password.").waitFor();
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
    });
  },
});

Deno.test({
  name: "a page without islands ships no script",
  async fn() {
    await withServer(async ({ base }) => {
      const res = await fetch(base + "/no-such-page", {
        headers: { accept: "text/html" },
      });
      const html = await res.text();
      assert.equal(res.status, 404);
      assert.match(html, /This page does not exist/);
      assert.doesNotMatch(html, /<script/);
    });
  },
});
