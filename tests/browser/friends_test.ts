/**
 * Friends and blocks in Chromium: a request reaches the other person's
 * sidebar badge and friends page live, accepting shows on the asker's page
 * live, and "Message" opens their DM; a block collapses the blocked
 * person's messages behind "Blocked message — show". The friends page
 * passes axe.
 */
import type { Page } from "playwright-core";
import { assertAccessible } from "./_axe.ts";
import { type Person, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

/** Opens /friends and waits until its island is live (its event stream open). */
async function openFriends(person: Person): Promise<Page> {
  const { page } = person;
  await page.goto(`${person.env.base}/friends`);
  await page.getByRole("heading", { level: 1, name: "Friends" }).waitFor();
  await page.locator("html[data-friends-live]").waitFor({ state: "attached" });
  return page;
}

/** One titled list of the friends page. */
function section(page: Page, title: string) {
  return page.getByRole("region", { name: new RegExp(`^${title}`) });
}

Deno.test({
  ...TEST,
  name:
    "two people become friends live, and one messages the other from the friends page",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const bea = await env.signedUp("bea");
      const adas = await openFriends(ada);
      await assertAccessible(adas, "the friends page, empty");

      await adas.getByLabel("Username").fill("bea");
      await adas.getByRole("button", { name: "Send friend request" }).click();
      await adas.getByText("Friend request sent to bea.").waitFor();
      await section(adas, "Outgoing requests").getByText("@bea").waitFor();

      // Bea's chat page hears of it: the sidebar's Friends link counts it.
      const link = bea.nav().getByRole("link", {
        name: /Friends\s*1\s*friend request/,
      });
      await link.waitFor();
      await link.click();
      const beas = bea.page;
      await beas.waitForURL(`${env.base}/friends`);
      await beas.locator("html[data-friends-live]").waitFor({
        state: "attached",
      });
      await section(beas, "Incoming requests").getByText("@ada").waitFor();
      await assertAccessible(beas, "the friends page with a request");
      await beas.getByRole("button", { name: /^Accept ada/ }).click();
      await beas.getByText(/You and ada are now friends/).waitFor();

      // Ada's page follows without a reload.
      const message = section(adas, "Friends").getByRole("button", {
        name: /^Message bea/,
      });
      await message.waitFor();
      await section(adas, "Outgoing requests").getByText(/No requests/)
        .waitFor();
      await message.click();
      await adas.waitForURL(/\/c\/[^/]+$/);
      await ada.ready();
      await adas.getByRole("heading", { level: 1, name: "bea" }).waitFor();
      await ada.send("Hello, friend");

      await section(beas, "Friends").getByRole("button", {
        name: /^Message ada/,
      }).click();
      await beas.waitForURL(/\/c\/[^/]+$/);
      await bea.ready();
      await bea.sees("Hello, friend");
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "a block collapses the blocked person's messages behind Blocked message — show",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const bea = await env.signedUp("bea");
      await bea.send("You will not want to read this");
      await ada.sees("You will not want to read this");
      // Bea asks to be friends; Ada blocks her from the request instead.
      await bea.page.evaluate(async () => {
        const res = await fetch("/friends", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "ada" }),
        });
        if (res.status !== 201) throw new Error(`asked: ${res.status}`);
      });
      const adas = await openFriends(ada);
      await section(adas, "Incoming requests").getByRole("button", {
        name: /^Block bea/,
      }).click();
      await section(adas, "Blocked").getByRole("button", {
        name: /^Unblock bea/,
      }).waitFor();
      await section(adas, "Incoming requests").getByText(/No requests/)
        .waitFor();
      await assertAccessible(adas, "the friends page with a block");

      await adas.goto(`${env.base}/`);
      await ada.ready();
      const log = ada.log();
      const collapsed = log.locator(".msg-blocked", {
        hasText: "Blocked message",
      });
      await collapsed.waitFor();
      await log.getByText("You will not want to read this").waitFor({
        state: "detached",
      });
      // A new message of hers arrives collapsed too.
      await bea.send("Still here");
      await log.locator(".msg-blocked").nth(1).waitFor();
      await log.getByText("Still here").waitFor({ state: "detached" });
      await assertAccessible(adas, "a channel with blocked messages");

      // "show" reveals that one message only.
      await collapsed.first().getByRole("button", { name: "show" }).click();
      await ada.sees("You will not want to read this");
      await log.locator(".msg-blocked").first().waitFor();
      await log.getByText("Still here").waitFor({ state: "detached" });
    });
  },
});
