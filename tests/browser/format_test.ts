import assert from "node:assert/strict";
import { Api, postMessage, request, signUp } from "../helpers/api.ts";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

// Display names have at most 64 characters.
const NAME = "<img src=x onerror=window.__xss=1>";
const FILE = "<img src=x onerror=window.__xss=5>.txt";
const LONG_LINE = `const line = "${"x".repeat(300)}";`;

Deno.test({
  ...TEST,
  name:
    "format: a code block, bold, a quote and spoilers reach the other person formatted",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      // Dark, so the checks below cover both schemes with the light ones elsewhere.
      const ben = await env.signedUp("ben", { colorScheme: "dark" });

      await ada.send(
        [
          "**Build** is _green_, @ben see:",
          "```ts",
          LONG_LINE,
          "```",
          "> quoted words",
          "- first",
          "- second",
          "",
          "the end: ||it was the gardener|| and ||the cook||",
        ].join("\n"),
      );
      const message = ben.log().locator('.msg[data-status="sent"]').last();
      const code = message.locator("pre.md-code");
      await code.waitFor();

      // Monospace, one unwrapped line, scrolling sideways inside the message.
      const style = await code.evaluate((el) => {
        const css = getComputedStyle(el);
        el.scrollLeft = 120;
        return {
          font: css.fontFamily,
          overflowX: css.overflowX,
          whiteSpace: css.whiteSpace,
          scrolls: el.scrollWidth > el.clientWidth,
          scrolled: el.scrollLeft > 0,
          fits: el.getBoundingClientRect().right <=
            document.querySelector("main")!.getBoundingClientRect().right,
        };
      });
      assert.match(style.font, /mono/i);
      assert.equal(style.overflowX, "auto");
      assert.equal(style.whiteSpace, "pre");
      assert.ok(style.scrolls, "the long line overflows the block");
      assert.ok(style.scrolled, "the block scrolls sideways");
      assert.ok(style.fits, "the block stays inside the chat column");
      assert.equal(await code.textContent(), LONG_LINE);

      assert.equal(await message.locator("strong").textContent(), "Build");
      assert.equal(await message.locator("em").textContent(), "green");
      assert.equal(
        await message.locator("blockquote").textContent(),
        "quoted words",
      );
      assert.deepEqual(await message.locator("li").allTextContents(), [
        "first",
        "second",
      ]);

      // Spoilers are hidden buttons until a click or a key reveals them.
      const spoilers = message.getByRole("button", {
        name: "Spoiler, press to reveal",
      });
      assert.equal(await spoilers.count(), 2);
      assert.equal(
        await spoilers.first().locator("span").evaluate((el) =>
          getComputedStyle(el).opacity
        ),
        "0",
      );
      await assertAccessible(
        ben.page,
        "a formatted message mentioning the reader, spoilers hidden (dark)",
      );
      await ben.page.screenshot({ path: "/tmp/hearth-format-dark.png" });
      await spoilers.first().click();
      await message.locator(".spoiler-shown", {
        hasText: "it was the gardener",
      })
        .waitFor();
      await spoilers.first().focus();
      await ben.page.keyboard.press("Enter");
      await message.locator(".spoiler-shown", { hasText: "the cook" })
        .waitFor();
      assert.equal(await spoilers.count(), 0);

      // The sender's own page, and a fresh server-rendered one, agree.
      await ada.sees("Build is green, @ben see:");
      await ada.page.reload();
      await ada.ready();
      const fresh = ada.log().locator('.msg[data-status="sent"]').last();
      assert.equal(await fresh.locator("pre.md-code").textContent(), LONG_LINE);
      assert.equal(
        await fresh.getByRole("button", { name: /Spoiler/ }).count(),
        2,
      );
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "format: HTML in content, display names and file names stays text, live and server-rendered",
  async fn() {
    await withChat(async (env) => {
      const payload = (n: number) =>
        `<img src=x onerror="window.__xss=${n}"><script>window.__xss=${n}</script>`;
      const ada = await env.signedUp("ada");
      ada.page.on("dialog", () => {
        throw new Error("a dialog opened");
      });
      const general = ada.page.url().split("/c/")[1];

      const mallory = await signUp(env.base, "mallory");
      const renamed = await mallory.api.send("PATCH", "/me", {
        json: { displayName: NAME },
      });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      await mallory.api.post(`/channels/${general}/join`);

      const live = [
        payload(2),
        "[click](javascript:window.__xss=3) &lt;b&gt;",
        "**<svg onload=window.__xss=4>**",
      ];
      for (const content of live) {
        await postMessage(mallory.api, general, content);
      }
      // A "/" would end the name at the last path segment: none here.
      await uploadNamed(mallory.api, general, FILE);
      await ada.log().locator(".attachment-name").waitFor();

      const check = async (when: string) => {
        for (const content of live.slice(0, 1)) {
          await ada.log().getByText(content).first().waitFor();
        }
        await ada.log().getByText("&lt;b&gt;").waitFor();
        await ada.log().getByText(NAME).first().waitFor();
        assert.equal(
          await ada.log().locator(".attachment-name").textContent(),
          FILE,
        );
        const found = await ada.page.evaluate(() => ({
          xss: (globalThis as { __xss?: number }).__xss ?? null,
          injected: document.querySelectorAll(
            ".msg img[src='x'], .msg script, .msg svg[onload], [onerror], [onload]",
          ).length,
          badLinks: [...document.querySelectorAll("a[href]")].filter((a) =>
            !/^(https?:|\/|#)/.test(a.getAttribute("href")!)
          ).length,
        }));
        assert.deepEqual(found, { xss: null, injected: 0, badLinks: 0 }, when);
      };
      await check("live");
      await ada.page.reload();
      await ada.ready();
      await check("server-rendered");
    });
  },
});

async function uploadNamed(api: Api, channelId: string, name: string) {
  const form = new FormData();
  form.append("file", new File(["hello"], name, { type: "text/plain" }));
  const res = await request(api.base, "POST", `/channels/${channelId}/files`, {
    token: api.token,
    body: form,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}
