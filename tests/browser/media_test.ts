/**
 * Media in the chat: the lightbox (keyboard, zoom, download, focus, axe),
 * players for video and audio, a card for PDFs, and a file over the limit
 * refused before it is sent.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { png } from "../../lib/files/_image_fixtures.ts";
import { assertAccessible } from "./_axe.ts";
import { type Person, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

async function attach(person: Person, name: string, bytes: Uint8Array) {
  const chooser = person.page.waitForEvent("filechooser");
  await person.page.getByRole("button", { name: "Attach" }).click();
  await (await chooser).setFiles({
    name,
    mimeType: "application/octet-stream",
    buffer: Buffer.from(bytes),
  });
}

function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el?.querySelector("img")?.getAttribute("alt") ??
      el?.getAttribute("aria-label") ?? el?.tagName ?? "";
  });
}

Deno.test({
  ...TEST,
  name:
    "media: the lightbox opens the original and moves, zooms and closes by keyboard",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      for (
        const [name, w, h] of [["one.png", 900, 600], ["two.png", 600, 900], [
          "three.png",
          800,
          800,
        ]] as const
      ) {
        await attach(ada, name, png(w, h));
        await ada.log().getByRole("img", { name }).waitFor();
      }
      const first = ada.log().getByRole("link").filter({
        has: ada.page.getByRole("img", { name: "one.png" }),
      });
      await first.focus();
      await ada.page.keyboard.press("Enter");
      const dialog = ada.page.getByRole("dialog", { name: "one.png" });
      await dialog.waitFor();
      const original = dialog.getByRole("img", { name: "one.png" });
      const src = await original.getAttribute("src");
      assert.match(
        src ?? "",
        /^\/files\/[0-9a-f-]+$/,
        "the original, not the thumbnail",
      );
      await ada.page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>(".lightbox img");
        return img?.complete && img.naturalWidth === 900;
      });
      await dialog.getByText("Image 1 of 3").waitFor();
      await assertAccessible(ada.page, "the lightbox");

      await ada.page.keyboard.press("ArrowRight");
      await ada.page.getByRole("dialog", { name: "two.png" }).waitFor();
      await ada.page.keyboard.press("End");
      await ada.page.getByRole("dialog", { name: "three.png" }).waitFor();
      // The last image stays the last.
      await ada.page.keyboard.press("ArrowRight");
      await ada.page.getByRole("dialog", { name: "three.png" }).getByText(
        "Image 3 of 3",
      ).waitFor();
      await ada.page.keyboard.press("ArrowLeft");
      const two = ada.page.getByRole("dialog", { name: "two.png" });
      await two.waitFor();

      const zoom = two.getByRole("button", { name: "Full size" });
      assert.equal(await zoom.getAttribute("aria-pressed"), "false");
      // The key's render is asynchronous: wait for the pressed state.
      await ada.page.keyboard.press("+");
      await two.getByRole("button", { name: "Full size", pressed: true })
        .waitFor();
      await two.locator(".lightbox-stage.zoomed").waitFor();
      await ada.page.keyboard.press("-");
      await two.getByRole("button", { name: "Full size", pressed: false })
        .waitFor();
      await two.locator(".lightbox-stage.zoomed").waitFor({
        state: "detached",
      });

      const download = two.getByRole("link", { name: "Download two.png" });
      assert.equal(await download.getAttribute("download"), "two.png");
      const saving = ada.page.waitForEvent("download");
      await download.click();
      const saved = await (await saving).path();
      assert.deepEqual(
        new Uint8Array(await Deno.readFile(saved)),
        png(600, 900),
      );

      await ada.page.keyboard.press("Escape");
      await two.waitFor({ state: "hidden" });
      // Focus is back on the thumbnail that opened it.
      await ada.page.waitForFunction(() =>
        document.activeElement?.querySelector("img")?.alt === "one.png"
      );
      assert.equal(await focusedLabel(ada.page), "one.png");
    });
  },
});

Deno.test({
  ...TEST,
  name: "media: video and audio play inline, a PDF shows a card",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      // Just enough of each format for the server to know its type.
      const mp4 = new Uint8Array([
        0,
        0,
        0,
        0x18,
        0x66,
        0x74,
        0x79,
        0x70,
        0x69,
        0x73,
        0x6f,
        0x6d,
        0,
        0,
        2,
        0,
        0x69,
        0x73,
        0x6f,
        0x6d,
        0x69,
        0x73,
        0x6f,
        0x32,
      ]);
      // An MPEG audio frame header, then silence.
      const mp3 = new Uint8Array([
        0xff,
        0xfb,
        0x90,
        0x64,
        ...new Array(400).fill(0),
      ]);
      const pdf = new TextEncoder().encode(
        "%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n",
      );
      await attach(ada, "clip.mp4", mp4);
      const video = ada.log().locator("video");
      await video.waitFor();
      assert.equal(await video.getAttribute("preload"), "metadata");
      assert.match(await video.getAttribute("src") ?? "", /^\/files\//);
      await attach(ada, "song.mp3", mp3);
      const audio = ada.log().locator("audio");
      await audio.waitFor();
      assert.equal(await audio.getAttribute("preload"), "metadata");
      await attach(ada, "report.pdf", pdf);
      const card = ada.log().locator(".attachment-card", {
        hasText: "report.pdf",
      });
      await card.getByText(/^PDF document, \d+ B$/).waitFor();
      await card.getByRole("link", { name: "Download report.pdf" }).waitFor();
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "media: a file over the limit is refused before it is sent, in words, with no Retry",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const posted: string[] = [];
      ada.page.on("request", (request) => {
        if (request.url().includes("/files")) posted.push(request.url());
      });
      await attach(ada, "big.bin", new Uint8Array(1.5 * 1024 * 1024));
      const alert = ada.page.getByRole("alert").filter({
        hasText: "This file",
      });
      await alert.waitFor();
      assert.equal(
        await alert.textContent(),
        "This file is 1.5 MB; the limit here is 1.0 MB.",
      );
      const upload = ada.page.getByRole("listitem").filter({
        hasText: "big.bin",
      });
      assert.equal(
        await upload.getByRole("button", { name: "Retry" }).count(),
        0,
      );
      await upload.getByRole("button", { name: "Dismiss big.bin" }).click();
      await upload.waitFor({ state: "detached" });
      assert.deepEqual(posted, []);
    }, ["--max-upload-mb", "1"]);
  },
});
