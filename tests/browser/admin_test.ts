import assert from "node:assert/strict";
import { Api, signIn } from "../helpers/api.ts";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };
const PASSWORD = "correct horse battery";

Deno.test({
  ...TEST,
  name:
    "admin: a member reports a message, a moderator deletes it and closes the report from /admin, the audit log shows both, the settings tab renames the instance",
  async fn() {
    await withChat(async (env) => {
      const ola = await env.signedUp("ola"); // the first account: the owner
      const max = await env.signedUp("max");
      const ann = await env.signedUp("ann");
      const ben = await env.signedUp("ben");
      const olaApi = new Api(env.base, await signIn(env.base, "ola", PASSWORD));
      const maxId = (await olaApi.get("/users?q=max")).body[0].id;
      const made = await olaApi.send("PATCH", `/users/${maxId}`, {
        json: { role: "moderator" },
      });
      assert.equal(made.status, 200);

      await ann.send("Buy cheap pills here");
      await ben.sees("Buy cheap pills here");
      const row = ben.log().locator(".msg", { hasText: "Buy cheap pills" });
      await row.hover();
      await row.getByRole("toolbar").getByRole("button", { name: "Report" })
        .click();
      const dialog = ben.page.getByRole("dialog", { name: "Report message" });
      await dialog.waitFor();
      await assertAccessible(ben.page, "the report dialog");
      await dialog.getByLabel("Reason").fill("spam");
      await dialog.getByRole("button", { name: "Send report" }).click();
      await ben.page.getByRole("dialog", { name: "Report sent" }).waitFor();
      await ben.page.getByRole("button", { name: "Close" }).click();
      await ben.page.getByRole("dialog").waitFor({ state: "detached" });
      // Nobody reports their own message: the item is not offered.
      const own = ann.log().locator(".msg", { hasText: "Buy cheap pills" });
      await own.hover();
      await own.getByRole("toolbar").getByRole("button", { name: "Reply" })
        .waitFor();
      assert.equal(
        await own.getByRole("button", { name: "Report" }).count(),
        0,
      );

      // The moderator's page: Reports first, and Members; no other tab.
      await max.page.goto(env.base + "/admin");
      const tabs = max.page.getByRole("tab");
      await max.page.getByRole("tab", { name: "Reports", selected: true })
        .waitFor();
      assert.deepEqual(await tabs.allTextContents(), ["Reports", "Members"]);
      const report = max.page.locator(".admin-item", {
        hasText: "Buy cheap pills here",
      });
      await report.getByText("spam").waitFor();
      await assertAccessible(max.page, "the admin page's Reports tab");
      const open = report.getByRole("link", { name: "Open message" });
      assert.match(await open.getAttribute("href") ?? "", /^\/c\/.+\?m=\d+$/);
      await open.click();
      await max.page.waitForURL(/\?m=\d+$/);
      await max.page.locator(".msg.permalinked", { hasText: "Buy cheap pills" })
        .waitFor();
      await max.page.goBack();
      await report.getByRole("button", { name: "Delete message and close" })
        .click();
      await max.page.getByText("No open reports.").waitFor();
      await ben.log().locator(".msg", { hasText: "Buy cheap pills" }).waitFor({
        state: "detached",
      });

      // A member's user menu has no Admin item, and /admin is a 403 page.
      await ann.page.locator(".user-button").click();
      await ann.page.getByRole("menuitem", { name: "Sign out" }).waitFor();
      assert.equal(
        await ann.page.getByRole("menuitem", { name: "Admin" }).count(),
        0,
      );
      const page = await ann.page.goto(env.base + "/admin");
      assert.equal(page?.status(), 403);

      // The owner reaches it from the user menu: every tab, the audit log,
      // and the settings.
      await ola.page.locator(".user-button").click();
      await ola.page.getByRole("menuitem", { name: "Admin" }).click();
      await ola.page.waitForURL(/\/admin$/);
      await ola.page.getByRole("tab", { name: "Members", selected: true })
        .waitFor();
      await ola.page.locator(".admin-item", { hasText: "@ben" }).waitFor();
      await assertAccessible(ola.page, "the admin page's Members tab");
      await ola.page.getByRole("tab", { name: "Invites" }).click();
      await ola.page.getByRole("heading", { name: "Invite links" }).waitFor();
      await assertAccessible(ola.page, "the admin page's Invites tab");
      await ola.page.getByRole("tab", { name: "Audit log" }).click();
      const log = ola.page.locator(".admin-table tbody");
      await log.getByRole("cell", { name: "report_closed" }).waitFor();
      await log.getByRole("cell", { name: "message_deleted" }).waitFor();
      await assertAccessible(ola.page, "the admin page's Audit log tab");
      await ola.page.getByLabel("Action").selectOption("message_deleted");
      await ola.page.getByRole("button", { name: "Filter" }).click();
      await log.getByRole("cell", { name: "report_closed" }).waitFor({
        state: "detached",
      });
      await log.getByRole("cell", { name: "@max" }).waitFor();

      await ola.page.getByRole("tab", { name: "Settings" }).click();
      const name = ola.page.getByLabel("Instance name");
      await name.waitFor();
      await assertAccessible(ola.page, "the admin page's Settings tab");
      // The test server's mode comes from its flag: shown, and fixed.
      assert.equal(
        await ola.page.getByRole("radio", { name: /^Open/ }).isDisabled(),
        true,
      );
      await name.fill("Book club");
      await ola.page.getByRole("button", { name: "Save settings" }).click();
      await ola.page.getByText("Settings saved.").waitFor();
      await ola.page.reload();
      await ola.page.locator(".admin-header .brand", { hasText: "Book club" })
        .waitFor();
      assert.equal(await ola.page.title(), "Book club");
    });
  },
});
