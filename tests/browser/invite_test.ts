/**
 * Invite links in Chromium: the owner of a private channel makes a link in
 * the "Invite people" dialog, a new person opens it in a fresh browser,
 * creates an account there and lands in the channel; a signed-in person joins
 * with one click; a bad link gets a clear page. Each page and the dialog pass
 * axe.
 */
import assert from "node:assert/strict";
import { createChannel, signIn, uniqueName } from "../helpers/api.ts";
import { Api } from "../helpers/api.ts";
import { assertAccessible } from "./_axe.ts";
import { chatReady, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };
const PASSWORD = "correct horse battery";

Deno.test({
  ...TEST,
  name:
    "invite link: made in the chat, opened in a fresh browser, a new account lands in the private channel",
  async fn() {
    await withChat(async (env) => {
      // The first account registers in invite mode: it owns the instance.
      const ada = await env.signedUp("ada");
      const api = new Api(env.base, await signIn(env.base, "ada", PASSWORD));
      const room = await createChannel(api, "secret-garden", { private: true });
      await ada.page.goto(`${env.base}/c/${room.id}`);
      await ada.ready();

      await ada.page.getByRole("button", { name: "Invite people" }).click();
      const dialog = ada.page.getByRole("dialog", { name: /Invite people/ });
      await dialog.waitFor();
      await assertAccessible(ada.page, "the invite dialog");
      await dialog.getByLabel("Expires after").selectOption({ label: "1 day" });
      await dialog.getByLabel("Number of uses").selectOption({
        label: "5 uses",
      });
      await dialog.getByRole("button", { name: "Create link" }).click();
      const link = dialog.getByRole("textbox", { name: "Invite link" });
      await link.waitFor();
      const url = await link.inputValue();
      assert.match(url, new RegExp(`^${env.base}/invite/[A-Za-z0-9_-]{22}$`));
      await assertAccessible(ada.page, "the invite dialog with its link");
      await dialog.getByRole("button", { name: "Done" }).click();
      const stored = (await api.get("/invites")).body[0];
      assert.equal(stored.maxUses, 5);
      assert.equal(stored.channelId, room.id);

      // A stranger opens the link in a browser that has never seen Hearth.
      const bea = await env.person();
      await bea.page.goto(url);
      await bea.page.getByRole("heading", {
        level: 1,
        name: "ada invited you to #secret-garden",
      }).waitFor();
      const create = bea.page.getByRole("button", {
        name: "Create account and join",
        disabled: false,
      });
      await create.waitFor();
      await assertAccessible(bea.page, "the invite page");
      await bea.page.getByRole("textbox", { name: "Username" }).fill("bea");
      await bea.page.getByLabel("Password").fill(PASSWORD);
      await create.click();
      await bea.page.waitForURL(`${env.base}/c/${room.id}`);
      await bea.ready();
      await bea.page.getByRole("heading", { level: 1, name: "secret-garden" })
        .waitFor();
      await bea.send("Thanks for the invite!");
      await ada.sees("Thanks for the invite!");
      // Ada's member list took Bea in live.
      await ada.page.locator("#members .member-name", { hasText: "bea" })
        .waitFor();

      // Signed in already, Bea joins another channel with one click.
      const plans = await createChannel(api, uniqueName("plans"), {
        private: true,
      });
      const second = await api.post("/invites", { channelId: plans.id });
      await bea.page.goto(second.body.url);
      const join = bea.page.getByRole("button", {
        name: `Join #${plans.name}`,
        disabled: false,
      });
      await join.waitFor();
      await assertAccessible(bea.page, "the invite page, signed in");
      await join.click();
      await bea.page.waitForURL(`${env.base}/c/${plans.id}`);
      await chatReady(bea.page);

      // A link that does not work says so plainly.
      const cal = await env.person({ colorScheme: "dark" });
      const res = await cal.page.goto(
        `${env.base}/invite/AAAAAAAAAAAAAAAAAAAAAA`,
      );
      assert.equal(res?.status(), 404);
      await cal.page.getByText("This invite link does not exist or was revoked")
        .waitFor();
      await assertAccessible(cal.page, "the page of a bad invite (dark)");
    }, ["--registration", "invite"]);
  },
});
