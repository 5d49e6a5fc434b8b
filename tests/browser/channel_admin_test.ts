/**
 * Managing a private channel in Chromium: its owner adds someone, who sees it
 * appear in their sidebar at once, then renames it (the sidebar follows),
 * removes them (it goes away), and deletes it; someone leaves a channel from
 * its header menu. The dialogs pass axe.
 */
import { Api, createChannel, signIn } from "../helpers/api.ts";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };
const PASSWORD = "correct horse battery";

Deno.test({
  ...TEST,
  name:
    "a private channel's owner adds someone, who sees it appear live; rename, remove, leave and delete follow",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const bea = await env.signedUp("bea");
      const api = new Api(env.base, await signIn(env.base, "ada", PASSWORD));
      const room = await createChannel(api, "hideout", { private: true });
      await ada.page.goto(`${env.base}/c/${room.id}`);
      await ada.ready();

      // Bea sits in general; nothing tells her page to reload.
      const beaSidebar = bea.nav();
      await beaSidebar.getByRole("link", { name: /general/ }).waitFor();

      await ada.page.getByRole("button", { name: "Add people" }).click();
      const add = ada.page.getByRole("dialog", { name: /Add people/ });
      await add.getByRole("searchbox", { name: "Username" }).fill("be");
      const addBea = add.getByRole("button", { name: "Add bea" });
      await addBea.waitFor();
      await assertAccessible(ada.page, "the add-people dialog");
      await addBea.click();
      await add.getByText("Added").waitFor();
      await add.getByRole("button", { name: "Done" }).click();

      await beaSidebar.getByRole("link", { name: /hideout/ }).waitFor();
      await ada.page.locator("#members .member-name", { hasText: "bea" })
        .waitFor();

      // Renamed: Bea's sidebar follows.
      await ada.page.getByRole("button", { name: "Channel options" }).click();
      await ada.page.getByRole("menuitem", { name: "Edit channel" }).click();
      const edit = ada.page.getByRole("dialog", { name: "Edit channel" });
      await edit.waitFor();
      await assertAccessible(ada.page, "the edit-channel dialog");
      await edit.getByRole("textbox", { name: "Channel name" }).fill("den");
      await edit.getByRole("textbox", { name: /Topic/ }).fill("quiet corner");
      await edit.getByRole("button", { name: "Save" }).click();
      await ada.page.getByRole("heading", { level: 1, name: "den" }).waitFor();
      await beaSidebar.getByRole("link", { name: /den/ }).waitFor();
      await beaSidebar.getByRole("link", { name: /hideout/ }).waitFor({
        state: "detached",
      });

      // Removed: it leaves her sidebar.
      await ada.page.getByRole("button", {
        name: "Remove bea from the channel",
      }).click();
      await beaSidebar.getByRole("link", { name: /den/ }).waitFor({
        state: "detached",
      });
      await ada.page.locator("#members .member-name", { hasText: "bea" })
        .waitFor({ state: "detached" });

      // Back in, Bea opens it and leaves from the header menu.
      await api.post(`/channels/${room.id}/members`, { username: "bea" });
      await beaSidebar.getByRole("link", { name: /den/ }).waitFor();
      await bea.open("den");
      await bea.page.getByRole("button", { name: "Channel options" }).click();
      await bea.page.getByRole("menuitem", { name: "Leave channel" }).click();
      // As when deleting, the answer and the socket's frame both navigate.
      await bea.page.getByRole("heading", { level: 1, name: "general" })
        .waitFor();
      await bea.ready();
      await ada.page.locator("#members .member-name", { hasText: "bea" })
        .waitFor({ state: "detached" });

      // Deleted, with a second confirmation; Ada lands elsewhere.
      await api.post(`/channels/${room.id}/members`, { username: "bea" });
      await beaSidebar.getByRole("link", { name: /den/ }).waitFor();
      await ada.page.getByRole("button", { name: "Channel options" }).click();
      await ada.page.getByRole("menuitem", { name: "Edit channel" }).click();
      await edit.getByRole("button", { name: "Delete channel…" }).click();
      await edit.getByRole("button", { name: "Delete for everyone" }).click();
      // The answer and the socket's channel_removed frame both send the page
      // to the front door, which opens general.
      await ada.page.getByRole("heading", { level: 1, name: "general" })
        .waitFor();
      await beaSidebar.getByRole("link", { name: /den/ }).waitFor({
        state: "detached",
      });
    });
  },
});
