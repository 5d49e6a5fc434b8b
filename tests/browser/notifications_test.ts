import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { assertAccessible } from "./_axe.ts";
import { type Person, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

/** What the page passed to `new Notification(...)`. */
interface Recorded {
  title: string;
  body: string;
  url: string;
}

// Runs before the page's own scripts: records every Notification the page
// makes (and keeps it, to click), and lets the test hide the page by
// emulating document.visibilityState.
const RECORDER = `
  (() => {
    const Real = globalThis.Notification;
    const made = [];
    class Recording extends Real {
      constructor(title, options = {}) {
        super(title, options);
        made.push(this);
        globalThis.__notes.push({
          title, body: options.body ?? "", url: options.data?.url ?? "",
        });
      }
    }
    globalThis.__notes = [];
    globalThis.__made = made;
    globalThis.Notification = Recording;
    let hidden = false;
    Object.defineProperty(Document.prototype, "visibilityState", {
      get: () => (hidden ? "hidden" : "visible"),
    });
    Object.defineProperty(Document.prototype, "hidden", { get: () => hidden });
    globalThis.__setHidden = (value) => {
      hidden = value;
      document.dispatchEvent(new Event("visibilitychange"));
    };
  })();
`;

async function notificationsOf(page: Page): Promise<Recorded[]> {
  return await page.evaluate(() =>
    (globalThis as unknown as { __notes: Recorded[] }).__notes
  );
}

async function waitForNotes(page: Page, count: number): Promise<Recorded[]> {
  const deadline = Date.now() + 15_000;
  while (true) {
    const notes = await notificationsOf(page);
    if (notes.length >= count) return notes;
    if (Date.now() > deadline) {
      assert.fail(
        `wanted ${count} notifications, got ${JSON.stringify(notes)}`,
      );
    }
    await page.waitForTimeout(100);
  }
}

async function setHidden(person: Person, hidden: boolean): Promise<void> {
  await person.page.evaluate(
    (value) =>
      (globalThis as unknown as { __setHidden(v: boolean): void }).__setHidden(
        value,
      ),
    hidden,
  );
}

Deno.test({
  ...TEST,
  name:
    "notifications: a mention elsewhere with the tab hidden notifies, counts in the title and opens the message",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.person();
      await ada.context.grantPermissions(["notifications"], {
        origin: env.base,
      });
      await ada.context.addInitScript(RECORDER);
      await ada.signUp("ada");
      const ben = await env.signedUp("ben");
      const generalUrl = new URL(ada.page.url()).pathname;
      await ada.createChannel("side");

      await setHidden(ada, true);
      await ben.send("Nothing for anyone here");
      await ben.send("Lunch, @ada?");
      await ben.sees("Lunch, @ada?");
      const [note] = await waitForNotes(ada.page, 1);
      assert.equal(note.title, "ben in #general");
      assert.equal(note.body, "Lunch, @ada?");
      assert.equal(note.url, `${generalUrl}?m=2`);
      // The plain message said nothing: general is on "mentions".
      await ada.page.waitForTimeout(500);
      assert.equal((await notificationsOf(ada.page)).length, 1);
      assert.match(await ada.page.title(), /^\(1\) #side · Hearth$/);

      // Clicking it opens the message's channel at the message.
      await ada.page.evaluate(() => {
        const made = (globalThis as unknown as { __made: Notification[] })
          .__made;
        made[0].onclick?.(new Event("click"));
      });
      await ada.page.waitForURL((url) => url.search === "?m=2");
      assert.equal(new URL(ada.page.url()).pathname, generalUrl);
    });
  },
});

Deno.test({
  ...TEST,
  name:
    'notifications: the header menu sets the level and mute, and "all" notifies every message',
  async fn() {
    await withChat(async (env) => {
      const ada = await env.person();
      await ada.context.grantPermissions(["notifications"], {
        origin: env.base,
      });
      await ada.context.addInitScript(RECORDER);
      await ada.signUp("ada");
      const ben = await env.signedUp("ben");

      const bell = ada.page.getByRole("button", { name: /^Notifications:/ });
      await bell.click();
      const menu = ada.page.getByRole("menu", { name: "Notifications" });
      await menu.waitFor();
      await assertAccessible(ada.page, "the notifications menu");
      const saved = ada.page.waitForResponse((r) =>
        r.url().endsWith("/notifications") && r.request().method() === "PUT"
      );
      await menu.getByRole("menuitemradio", { name: "All messages" }).click();
      assert.equal((await saved).status(), 200);
      await assert.doesNotReject(
        menu.getByRole("menuitemradio", { name: "All messages", checked: true })
          .waitFor(),
      );

      await setHidden(ada, true);
      await ben.send("Plain words for everyone");
      const [note] = await waitForNotes(ada.page, 1);
      assert.equal(note.title, "ben in #general");
      assert.equal(note.body, "Plain words for everyone");

      // Muted, nothing more arrives, and the choice survives a reload.
      await setHidden(ada, false);
      await bell.click();
      await menu.getByRole("menuitemcheckbox", { name: "Mute this channel" })
        .click();
      await ada.page.getByRole("button", { name: "Notifications: muted" })
        .waitFor();
      await setHidden(ada, true);
      await ben.send("Still talking, @ada!");
      await ben.sees("Still talking, @ada!");
      await ada.sees("Still talking, @ada!");
      assert.equal((await notificationsOf(ada.page)).length, 1);
      await ada.page.reload();
      await ada.ready();
      await ada.page.getByRole("button", { name: "Notifications: muted" })
        .waitFor();
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "notifications: on a phone the drawer button shows a dot for unread and a count for mentions elsewhere",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      await ada.createChannel("side");
      await ada.page.setViewportSize({ width: 375, height: 812 });
      const drawer = ada.page.locator(".drawer-toggle");
      assert.equal(await drawer.locator(".drawer-dot").count(), 0);

      await ben.send("Just chatting");
      await drawer.locator(".drawer-dot").waitFor();
      await ada.page.getByRole("button", {
        name: "Open channels, unread messages elsewhere",
      }).waitFor();

      await ben.send("Over here, @ada!");
      const badge = drawer.locator(".drawer-badge");
      await badge.waitFor();
      assert.equal(await badge.textContent(), "1");
      await ada.page.getByRole("button", {
        name: "Open channels, 1 mention elsewhere",
      }).waitFor();
      assert.equal(await drawer.locator(".drawer-dot").count(), 0);
    });
  },
});
