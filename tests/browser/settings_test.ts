/**
 * The settings page in Chromium: a new status and display name are saved,
 * an avatar is previewed, uploaded and shown from its URL, and the password
 * is changed. The page passes axe.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { png } from "../../lib/files/_image_fixtures.ts";
import { request } from "../helpers/api.ts";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name: "settings page: profile, avatar and password",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const { page } = ada;
      await page.locator(".user-menu").getByRole("button", { name: "ada" })
        .click();
      await page.getByRole("menuitem", { name: "Settings" }).click();
      await page.waitForURL(`${env.base}/settings`);
      await page.getByRole("heading", { level: 1, name: "Settings" })
        .waitFor();
      await assertAccessible(page, "the settings page");

      await page.getByLabel("Status").fill("Making tea");
      await page.getByLabel("Display name").fill("Ada L");
      await page.getByRole("button", { name: "Save profile" }).click();
      await page.getByText("Profile saved.").waitFor();

      await page.getByLabel("Image").setInputFiles({
        name: "me.png",
        mimeType: "image/png",
        buffer: Buffer.from(png(300, 120)),
      });
      await page.getByRole("img", { name: "Your avatar" }).waitFor();
      await page.getByRole("button", { name: "Save avatar" }).click();
      await page.getByText("Avatar saved.").waitFor();
      const src = await page.getByRole("img", { name: "Your avatar" })
        .getAttribute("src");
      assert.match(src ?? "", /^\/avatars\/[^/]+\/1$/);

      await page.getByLabel("Current password").fill("correct horse battery");
      await page.getByLabel("New password", { exact: true }).fill(
        "a brand new phrase",
      );
      await page.getByLabel("New password again").fill("a brand new phrase");
      await page.getByRole("button", { name: "Change password" }).click();
      await page.getByText(/Password changed/).waitFor();
      await page.getByRole("button", { name: "Sign out everywhere else" })
        .click();
      await page.getByText("Signed out everywhere else.").waitFor();
      await assertAccessible(page, "the settings page after saving");

      const login = await request(env.base, "POST", "/auth/login", {
        json: { username: "ada", password: "a brand new phrase" },
      });
      assert.equal(login.status, 200);
      assert.equal(login.body.user.status, "Making tea");
      assert.equal(login.body.user.displayName, "Ada L");
    });
  },
});
