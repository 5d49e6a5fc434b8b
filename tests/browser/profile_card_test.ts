/**
 * Profile cards in Chromium: uploaded avatars show as images in the log, the
 * member list and the DM sidebar; a card opens from the log and the member
 * list, says who someone is (@username, role), and opens a DM the other
 * person sees live; staff change a role, time someone out (whose message is
 * then refused) and ban from a card. The open card passes axe.
 */
import assert from "node:assert/strict";
import { png } from "../../lib/files/_image_fixtures.ts";
import { assertAccessible } from "./_axe.ts";
import { type Person, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

/** Uploads an avatar for `who` through the API, from their own page; answers its URL. */
async function uploadAvatar(who: Person): Promise<string> {
  const bytes = Array.from(png(64, 64));
  const url = await who.page.evaluate(async (data) => {
    const body = new FormData();
    body.append(
      "file",
      new File([new Uint8Array(data)], "me.png", { type: "image/png" }),
    );
    const response = await fetch("/me/avatar", { method: "PUT", body });
    return (await response.json()).avatarUrl as string;
  }, bytes);
  assert.match(url, /^\/avatars\//);
  return url;
}

/** The card for `name` on `who`'s page. */
function card(who: Person, name: string) {
  return who.page.getByRole("dialog", { name });
}

/** `who`'s member list. */
function members(who: Person) {
  return who.page.locator("#members");
}

Deno.test({
  ...TEST,
  name:
    "profile card: avatars show; two people DM each other from a card opened in the log and the member list",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const bea = await env.signedUp("bea");
      await bea.send("Hello from bea");
      await ada.sees("Hello from bea");
      // Bea's new avatar reaches Ada's open page by a member_updated frame:
      // beside her message and in the member list, without a reload.
      const avatar = await uploadAvatar(bea);
      const image = `img[src="${avatar}"]`;
      // Her own page's menu button shows it too, from the same frame.
      await bea.page.locator(`.user-button ${image}`).waitFor();
      await ada.log().locator(`.msg ${image}`).first().waitFor();
      await members(ada).locator(image).waitFor();

      // From the log: a name opens the card, Escape gives focus back to it.
      const name = ada.log().getByRole("button", { name: "bea", exact: true })
        .first();
      await name.click();
      const beaCard = card(ada, "bea");
      await beaCard.waitFor();
      await beaCard.getByText("@bea").waitFor();
      await beaCard.locator(image).waitFor();
      await ada.page.waitForFunction(() =>
        document.activeElement?.closest("dialog.profile-card") !== null
      );
      await assertAccessible(ada.page, "an open profile card");
      await ada.page.keyboard.press("Escape");
      await beaCard.waitFor({ state: "detached" });
      await ada.page.waitForFunction(() =>
        document.activeElement?.classList.contains("person-name") === true &&
        document.activeElement.textContent === "bea"
      );

      // From the member list: the owner's card says so, and Message opens the DM.
      await members(bea).getByRole("button", { name: "ada", exact: true })
        .click();
      const adaCard = card(bea, "ada");
      await adaCard.getByText("@ada").waitFor();
      await adaCard.getByText("Owner", { exact: true }).waitFor();
      await adaCard.getByRole("button", { name: "Message" }).click();
      await bea.page.getByRole("heading", { level: 1, name: "ada" }).waitFor();
      await bea.ready();
      await bea.send("Just between us");

      // Ada's sidebar gets the DM live, with Bea's avatar, which opens her card.
      const dms = ada.nav().locator(".dm-entry");
      await dms.getByRole("link", { name: /bea/ }).waitFor();
      await dms.locator(image).waitFor();
      await dms.getByRole("button", { name: "Profile of bea" }).click();
      await card(ada, "bea").getByText("@bea").waitFor();
      await ada.page.keyboard.press("Escape");
      await ada.open("bea");
      await ada.sees("Just between us");
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "profile card: the owner changes a role, a moderator times someone out (their message is refused), the owner bans",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const bea = await env.signedUp("bea");
      const cal = await env.signedUp("cal");

      // The owner makes Bea a moderator from her card in the member list.
      await members(ada).getByRole("button", { name: "bea", exact: true })
        .click();
      const beaCard = card(ada, "bea");
      await beaCard.getByRole("combobox", { name: "Role" }).selectOption(
        "moderator",
      );
      await beaCard.getByRole("button", { name: "Change role" }).click();
      await beaCard.getByText("bea is a moderator now.").waitFor();
      await beaCard.locator(".role-badge", { hasText: "Moderator" }).waitFor();
      await ada.page.keyboard.press("Escape");
      await beaCard.waitFor({ state: "detached" });

      // Bea's page learns her role on load; she times Cal out from his card.
      await bea.page.reload();
      await bea.ready();
      await members(bea).getByRole("button", { name: "cal", exact: true })
        .click();
      const calCard = card(bea, "cal");
      const length = calCard.getByRole("combobox", { name: "Time out for" });
      await length.selectOption({ label: "1 hour" });
      await assertAccessible(bea.page, "a profile card with staff controls");
      // A moderator may not ban or give roles: those are not offered.
      assert.equal(
        await calCard.getByRole("button", { name: /^Ban/ }).count(),
        0,
      );
      await calCard.getByRole("button", { name: "Time out" }).click();
      await calCard.getByText(/cal is timed out until/).waitFor();

      // Cal can read but not write: his message comes back refused.
      await cal.send("Can I still talk?");
      await cal.log().locator(".msg-error", { hasText: /timed out/ })
        .waitFor();

      // The owner bans Cal with a reason, after a second click.
      await members(ada).getByRole("button", { name: "cal", exact: true })
        .click();
      const banCard = card(ada, "cal");
      await banCard.getByRole("button", { name: "Ban…" }).click();
      await banCard.getByRole("textbox", { name: "Reason for banning cal" })
        .fill("Spam");
      await banCard.getByRole("button", { name: "Ban cal" }).click();
      await banCard.getByText("cal is banned.").waitFor();
    });
  },
});
