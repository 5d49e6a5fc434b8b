/**
 * Moderation as people see it: a moderator deletes someone's message from
 * its menu and every page shows "Message deleted by a moderator"; a
 * channel's posting rules (slow mode, read-only) set from the channel menu
 * reach an open composer live, which says why and counts down; a timed-out
 * person's composer says until when; a banned person's open page drops to
 * the sign-in page saying they were banned.
 */
import assert from "node:assert/strict";
import { Api, signIn } from "../helpers/api.ts";
import { signInReady, withChat } from "./_chat.ts";
import { assertAccessible } from "./_axe.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };
const PASSWORD = "correct horse battery";

Deno.test({
  ...TEST,
  name:
    "a moderator deletes another's message from its menu, with a confirm; both pages show it was a moderator",
  async fn() {
    await withChat(async (env) => {
      await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const mo = await env.signedUp("moe");
      const adaApi = new Api(env.base, await signIn(env.base, "ada", PASSWORD));
      const moId = (await adaApi.get("/users?q=moe")).body[0].id;
      const role = await adaApi.send("PATCH", `/users/${moId}`, {
        json: { role: "moderator" },
      });
      assert.equal(role.status, 200);
      // The page learns its user's role when it loads.
      await mo.page.reload();
      await mo.ready();

      await ben.send("Buy cheap watches");
      await mo.sees("Buy cheap watches");
      await mo.send("Welcome, everyone");
      await ben.sees("Welcome, everyone");

      // Ben is no moderator: someone else's message offers him no Delete.
      const onBen = ben.log().locator(".msg", { hasText: "Welcome, everyone" });
      await onBen.hover();
      await onBen.getByRole("toolbar").getByRole("button", { name: "Reply" })
        .waitFor();
      assert.equal(
        await onBen.getByRole("button", { name: "Delete" }).count(),
        0,
      );

      const onMo = mo.log().locator(".msg", { hasText: "Buy cheap watches" });
      await onMo.hover();
      const menu = onMo.getByRole("toolbar");
      await menu.getByRole("button", { name: "Delete" }).click();
      await menu.getByText("Delete this message of ben for everyone?")
        .waitFor();
      await assertAccessible(mo.page, "a moderator's delete confirmation");
      await menu.getByRole("button", { name: "Delete" }).click();

      for (const person of [ben, mo]) {
        await person.log().locator(".msg-deleted", {
          hasText: "Message deleted by a moderator",
        }).waitFor();
      }
      assert.equal(await ben.count("Buy cheap watches"), 0);
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "posting rules from the channel menu reach an open composer: slow mode counts down, read-only disables it; a timeout says until when",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const composer = ben.page.locator(".composer");
      const notice = ben.page.locator("#posting-notice");

      await ada.page.getByRole("button", { name: "Channel options" }).click();
      await ada.page.getByRole("menuitem", { name: "Posting rules" }).click();
      const dialog = ada.page.getByRole("dialog", { name: "Posting rules" });
      await dialog.getByRole("combobox", { name: "Slow mode" }).selectOption({
        label: "One message every 10 s",
      });
      await assertAccessible(ada.page, "the posting rules dialog");
      await dialog.getByRole("button", { name: "Save" }).click();
      await dialog.waitFor({ state: "hidden" });

      await notice.filter({ hasText: "Slow mode: one message every 10 s." })
        .waitFor();
      await ben.send("First, quickly");
      await ben.sees("First, quickly");
      await notice.filter({ hasText: /Next message in \d+ s\./ }).waitFor();
      await composer.getByRole("button", { name: "Send", disabled: true })
        .waitFor();
      await assertAccessible(ben.page, "a composer counting down slow mode");
      // Enter waits too: the text stays in the box.
      const box = ben.page.getByRole("textbox", { name: "Message" });
      await box.fill("Too soon");
      await box.press("Enter");
      assert.equal(await box.inputValue(), "Too soon");
      // The countdown ends by itself, and Send is back.
      await notice.filter({ hasText: /^Slow mode: one message every 10 s\.$/ })
        .waitFor({ timeout: 15_000 });
      await composer.getByRole("button", { name: "Send", disabled: false })
        .waitFor();
      // The owner is exempt, and told so.
      await ada.page.locator("#posting-notice", { hasText: "(you are exempt)" })
        .waitFor();

      await ada.page.getByRole("button", { name: "Channel options" }).click();
      await ada.page.getByRole("menuitem", { name: "Posting rules" }).click();
      await dialog.getByRole("combobox", { name: "Slow mode" }).selectOption({
        label: "Off",
      });
      await dialog.getByRole("checkbox", { name: /Only moderators can post/ })
        .check();
      await dialog.getByRole("button", { name: "Save" }).click();
      await notice.filter({
        hasText:
          "Only moderators and the channel's owner can post in #general.",
      }).waitFor();
      await ben.page.getByRole("textbox", { name: "Message", disabled: true })
        .waitFor();
      await assertAccessible(ben.page, "a read-only channel's composer");

      // A timeout, learned when the page loads.
      const adaApi = new Api(env.base, await signIn(env.base, "ada", PASSWORD));
      const benId = (await adaApi.get("/users?q=ben")).body[0].id;
      await adaApi.send("PATCH", `/channels/${channelId(ben)}`, {
        json: { postPolicy: "everyone" },
      });
      const timeout = await adaApi.send("PUT", `/timeouts/${benId}`, {
        json: { seconds: 600 },
      });
      assert.equal(timeout.status, 200);
      await ben.page.reload();
      await ben.ready();
      const until = await ben.page.evaluate(
        (iso) =>
          new Date(iso).toLocaleTimeString([], {
            hour: "2-digit",
            minute: "2-digit",
          }),
        timeout.body.until,
      );
      // When the timeout ends on another day, the label names that day first.
      await notice.filter({
        hasText: new RegExp(
          `You are timed out until (\\S+ \\S+ )?${RegExp.escape(until)}:`,
        ),
      }).waitFor();
      await ben.page.getByRole("textbox", { name: "Message", disabled: true })
        .waitFor();
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "an admin bans someone: their open page drops to the sign-in page saying so, and signing in says it again",
  async fn() {
    await withChat(async (env) => {
      await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const adaApi = new Api(env.base, await signIn(env.base, "ada", PASSWORD));
      const benId = (await adaApi.get("/users?q=ben")).body[0].id;
      const banned = await adaApi.send("PUT", `/bans/${benId}`, {
        json: { reason: "spam" },
      });
      assert.equal(banned.status, 200);
      await ben.page.waitForURL((url) => url.pathname === "/");
      const alert = ben.page.getByRole("alert");
      await alert.filter({ hasText: "This account has been banned." })
        .waitFor();
      await assertAccessible(ben.page, "the sign-in page after a ban");
      // Signing in again says it too, from the server's answer.
      await ben.page.goto(env.base + "/");
      await signInReady(ben.page);
      assert.equal(await alert.textContent(), "");
      await ben.page.getByRole("textbox", { name: "Username" }).fill("ben");
      await ben.page.getByLabel("Password").fill(PASSWORD);
      await ben.page.getByRole("button", { name: "Sign in" }).click();
      await alert.filter({ hasText: "This account has been banned." })
        .waitFor();
      assert.equal(new URL(ben.page.url()).pathname, "/");
    });
  },
});

function channelId(person: { page: { url(): string } }): string {
  return person.page.url().split("/c/")[1];
}
