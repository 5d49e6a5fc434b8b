/**
 * Direct messages in Chromium: one person opens a DM from the member list, the
 * other sees it appear in their sidebar at once, and they talk. The DM page
 * passes axe.
 */
import assert from "node:assert/strict";
import { waitFor } from "../helpers/deadline.ts";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name: "two people DM each other from the member list",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const bea = await env.signedUp("bea");
      // Online, so the row stays where it is under the pointer.
      const row = ada.page.locator("#members .member.online", {
        hasText: "bea",
      });
      await row.waitFor();
      // With a mouse, a row's actions stay out of sight (and leave the name
      // its room) until the row is hovered or focused.
      const actions = row.locator(".member-actions");
      const opacity = () =>
        actions.evaluate((el) => getComputedStyle(el).opacity);
      assert.equal(await opacity(), "0");
      assert.equal(
        await actions.evaluate((el) =>
          getComputedStyle(el).getPropertyValue("position")
        ),
        "absolute",
      );
      await row.hover();
      await waitFor(async () => await opacity() === "1", {
        what: "the row's actions shown on hover",
      });
      await ada.page.getByRole("button", { name: "Message bea" }).click();
      await ada.page.waitForURL((url) => !url.pathname.endsWith("/"));
      await ada.ready();
      await ada.page.getByRole("heading", { level: 1, name: "bea" }).waitFor();
      const dms = (who: typeof ada) =>
        who.nav().locator(".sidebar-section", {
          has: who.page.getByRole("heading", { name: "Direct messages" }),
        });
      await dms(ada).getByRole("link", { name: /bea/ }).waitFor();
      // Bea's page hears of it without a reload.
      await dms(bea).getByRole("link", { name: /ada/ }).waitFor();
      await assertAccessible(ada.page, "a DM page");

      await ada.send("Just between us");
      await bea.open("ada");
      await bea.sees("Just between us");
      await bea.send("Agreed");
      await ada.sees("Agreed");
    });
  },
});
