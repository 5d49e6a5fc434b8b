import assert from "node:assert/strict";
import { assertAccessible } from "./_axe.ts";
import { signInReady, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name:
    "axe: every page passes WCAG 2.1 AA checks, light and dark, wide and narrow",
  async fn() {
    await withChat(async (env) => {
      for (const colorScheme of ["light", "dark"] as const) {
        const visitor = await env.person({ colorScheme });
        await visitor.page.goto(env.base + "/");
        await signInReady(visitor.page);
        await assertAccessible(visitor.page, `the front door (${colorScheme})`);
        await visitor.page.goto(env.base + "/no-such-page", {
          waitUntil: "load",
        });
        await assertAccessible(visitor.page, `the 404 page (${colorScheme})`);
        await visitor.context.close();
      }

      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben", { colorScheme: "dark" });
      await ada.createChannel("garden", "Seeds and weeds");
      await ada.send("Welcome to the garden, https://example.org");
      await ada.sees("Welcome to the garden");
      await ben.send("Hello from general");
      await assertAccessible(ada.page, "the chat page (light)");
      await assertAccessible(ben.page, "the chat page (dark)");

      await ada.nav().getByRole("link", { name: "Browse channels" }).click();
      await ada.page.waitForURL(/\/browse$/);
      await ada.ready();
      await assertAccessible(ada.page, "the browse page");

      await ada.page.getByRole("button", { name: "New channel" }).click();
      await ada.page.getByRole("dialog").waitFor();
      await assertAccessible(ada.page, "the new-channel dialog");

      const phone = await env.signedUp("cyd", {
        viewport: { width: 375, height: 812 },
      });
      await assertAccessible(phone.page, "the chat page at 375 px");
      await phone.page.locator(".drawer-toggle").click();
      await phone.nav().waitFor();
      await assertAccessible(phone.page, "the open drawer at 375 px");
    });
  },
});

Deno.test({
  ...TEST,
  name: "axe: the check fails on a page with a violation",
  async fn() {
    await withChat(async (env) => {
      const visitor = await env.person();
      await visitor.page.setContent(
        `<html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>`,
      );
      await assert.rejects(
        assertAccessible(visitor.page, "a page with an image without alt"),
        /image-alt/,
      );
    });
  },
});
