import assert from "node:assert/strict";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name:
    "mention: @ offers the channel's members from the keyboard, and the mentioned person sees it highlighted",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const bea = await env.signedUp("bea");
      const { page } = ada;
      const members = page.getByRole("complementary", { name: "Members" });
      await members.getByText("bea").waitFor();
      const box = page.getByRole("textbox", { name: "Message" });
      const list = page.getByRole("listbox", { name: "Members" });

      await box.pressSequentially("Hello @b");
      await list.waitFor();
      assert.deepEqual(await list.getByRole("option").allTextContents(), [
        "bea@bea",
        "ben@ben",
      ]);
      // The box keeps focus and names the highlighted option.
      const active = async () =>
        await page.locator(
          `#${await box.getAttribute("aria-activedescendant")}`,
        )
          .textContent();
      assert.equal(await active(), "bea@bea");
      assert.equal(
        await box.getAttribute("aria-controls"),
        "composer-suggestions",
      );
      await assertAccessible(page, "the chat with the mention list open");
      await page.screenshot({ path: "/tmp/hearth-mention-open.png" });

      await box.press("ArrowDown");
      assert.equal(await active(), "ben@ben");
      await box.press("ArrowDown");
      assert.equal(await active(), "bea@bea");
      await box.press("ArrowUp");
      assert.equal(await active(), "ben@ben");

      // Escape closes it and stays closed for this @; Enter then sends nothing odd.
      await box.press("Escape");
      await list.waitFor({ state: "detached" });
      assert.equal(await box.getAttribute("aria-activedescendant"), null);
      await box.press("e");
      assert.equal(await list.count(), 0);
      for (let i = 0; i < 3; i++) await box.press("Backspace");
      assert.equal(await box.inputValue(), "Hello ");

      // A new @ opens it again; typing narrows it; Enter inserts.
      await box.pressSequentially("@b");
      await list.waitFor();
      await box.press("e");
      await box.press("n");
      assert.deepEqual(await list.getByRole("option").allTextContents(), [
        "ben@ben",
      ]);
      await box.press("Enter");
      await list.waitFor({ state: "detached" });
      assert.equal(await box.inputValue(), "Hello @ben ");
      // Tab inserts too.
      await box.pressSequentially("and @be");
      await list.getByRole("option", { name: /bea/ }).waitFor();
      await box.press("Tab");
      assert.equal(await box.inputValue(), "Hello @ben and @bea ");
      await box.pressSequentially("look");
      await box.press("Enter");

      // Sent; the mentioned people see it highlighted, live.
      for (const person of [ben, bea]) {
        await person.sees("Hello @ben and @bea look");
        const row = person.log().locator(".msg", {
          hasText: "Hello @ben and @bea look",
        });
        await row.and(person.page.locator(".msg-mention")).waitFor();
        assert.equal(await row.getByText("Mentions you.").count(), 1);
      }
      await ada.sees("Hello @ben and @bea look");
      assert.equal(await ada.log().locator(".msg-mention").count(), 0);
      await ben.page.screenshot({ path: "/tmp/hearth-mention-ben.png" });

      // A mouse click picks an option as well.
      await box.pressSequentially("@be");
      await list.getByRole("option", { name: /ben/ }).click();
      await box.page().waitForFunction(
        (el) => (el as HTMLTextAreaElement).value === "@ben ",
        await box.elementHandle(),
        { timeout: 5_000 },
      );
      await box.press("Enter");
      await ben.log().locator(".msg-mention").nth(1).waitFor();
      // Not a mention of Bea.
      await bea.sees("@ben");
      assert.equal(await bea.log().locator(".msg-mention").count(), 1);
    });
  },
});
