import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { dropFile, type Person, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name: "chat: two people meet in a new channel and talk live both ways",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");

      // Ada creates a channel from the sidebar form and lands in it.
      await ada.createChannel("garden", "Seeds and weeds");

      // Bo finds it under Browse channels and joins.
      await ben.nav().getByRole("link", { name: "Browse channels" }).click();
      await ben.page.waitForURL(/\/browse$/);
      const row = ben.page.getByRole("listitem").filter({ hasText: "garden" });
      await row.getByText("Seeds and weeds").waitFor();
      await row.getByRole("button", { name: "Join" }).click();
      await ben.page.waitForURL(/\/c\//);
      await ben.ready();
      assert.equal(ada.page.url(), ben.page.url());
      await ben.nav().getByRole("link", { name: "garden" }).waitFor();

      // Both ways, live.
      await ada.send("Hello Ben, welcome to the garden");
      await ben.sees("Hello Ben, welcome to the garden");
      await ben.send("Thanks! See https://example.org/roses <b>not bold</b>");
      await ada.sees("Thanks! See https://example.org/roses <b>not bold</b>");
      // Screen readers hear it through the polite live region.
      await ada.page.locator('[aria-live="polite"]', {
        hasText: "ben: Thanks! See https://example.org/roses",
      }).waitFor({ state: "attached" });

      // Links become links; markup stays text.
      const link = ada.log().getByRole("link", {
        name: "https://example.org/roses",
      });
      assert.equal(
        await link.getAttribute("href"),
        "https://example.org/roses",
      );
      assert.equal(await ada.log().locator("b").count(), 0);

      // Consecutive messages from one author share one header.
      await ben.send("A second line from Ben");
      await ada.sees("A second line from Ben");
      const last = ada.log().locator(".msg").last();
      assert.equal(await last.locator(".msg-author").count(), 0);
      const author = ada.log().locator(".msg-first .msg-author").last();
      assert.equal(await author.textContent(), "ben");
      await ada.log().locator(".msg-first time").first().waitFor();

      // Typing reaches the other side. Notices go out at most every 2.5 s,
      // so type for longer than that.
      await ada.page.getByRole("textbox", { name: "Message" })
        .pressSequentially(
          "thinking it over",
          { delay: 200 },
        );
      await ben.page.getByText("ada is typing…").waitFor();

      // The member list shows both online.
      const members = ada.page.getByRole("complementary", { name: "Members" });
      const online = members.getByRole("region", { name: "Online" });
      await online.getByText("ben").waitFor();
      await online.getByText("ada").waitFor();
      for (const person of [ada, ben]) {
        assert.equal(await person.count("Hello Ben, welcome to the garden"), 1);
      }
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "chat: a message shows as pending, turns normal when stored, and retries after a failure",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const { page } = ada;

      // Hold the POST so the pending state can be seen.
      let release!: () => void;
      const held = new Promise<void>((resolve) => release = resolve);
      await page.route("**/channels/*/messages", async (route) => {
        if (route.request().method() !== "POST") return route.fallback();
        await held;
        await route.fallback();
      });
      await ada.send("Slow but sure");
      const pending = ada.log().locator('.msg[data-status="pending"]');
      await pending.waitFor();
      const clientId = await pending.getAttribute("data-client-id");
      assert.match(clientId ?? "", /^[0-9a-f-]{36}$/);
      await pending.getByText("Sending…").waitFor();
      release();
      const stored = ada.log().locator(`.msg[data-client-id="${clientId}"]`);
      await stored.and(page.locator('[data-status="sent"]')).waitFor();
      assert.ok(Number(await stored.getAttribute("data-seq")) > 0);
      await ben.sees("Slow but sure");
      await page.unroute("**/channels/*/messages");

      // A send that fails offers Retry; retrying stores it once.
      let failNext = true;
      await page.route("**/channels/*/messages", async (route) => {
        if (route.request().method() === "POST" && failNext) {
          failNext = false;
          return await route.abort("connectionrefused");
        }
        await route.fallback();
      });
      await ada.send("Try, try again");
      const failed = ada.log().locator('.msg[data-status="failed"]');
      await failed.getByText(/Not sent/).waitFor();
      await failed.getByRole("button", { name: "Retry" }).click();
      await ada.sees("Try, try again");
      await ben.sees("Try, try again");
      assert.equal(await ada.count("Try, try again"), 1);
      assert.equal(await ben.count("Try, try again"), 1);
      assert.equal(
        await ada.log().locator('[data-status="failed"]').count(),
        0,
      );
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "chat: an uploaded image shows inline for the other person, and a file downloads byte for byte",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");

      const png = await pngBytes(ada);
      const chooser = ada.page.waitForEvent("filechooser");
      await ada.page.getByRole("button", { name: "Attach" }).click();
      await (await chooser).setFiles({
        name: "dot.png",
        mimeType: "image/png",
        buffer: png,
      });
      const image = ben.log().getByRole("img", { name: "dot.png" });
      await image.waitFor();
      assert.equal(await image.getAttribute("loading"), "lazy");
      // The thumbnail is shown, never the original.
      assert.match(
        await image.getAttribute("src") ?? "",
        /^\/files\/[0-9a-f-]+\/thumbnail$/,
      );
      // The server read the PNG's size, so the page reserves exactly that.
      assert.equal(await image.getAttribute("width"), "2");
      assert.equal(await image.getAttribute("height"), "2");
      await ben.page.waitForFunction(() =>
        Array.from(document.querySelectorAll<HTMLImageElement>(".msg img"))
          .some((img) => img.complete && img.naturalWidth === 2)
      );

      // A file that is not an image: a card with name, size and a download.
      const bytes = new Uint8Array(70_000).map((_, i) => (i * 7 + 3) % 256);
      await dropFile(ben, "data.bin", bytes);
      const card = ada.log().locator(".attachment-card", {
        hasText: "data.bin",
      });
      await card.getByText("68 KB").waitFor();
      const download = ada.page.waitForEvent("download");
      await card.getByRole("link", { name: "Download data.bin" }).click();
      const saved = await (await download).path();
      assert.deepEqual(await Deno.readFile(saved), bytes);
    });
  },
});

Deno.test({
  ...TEST,
  name: "chat: a pasted file uploads with a progress bar and can be cancelled",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      // Hold the upload so it stays in flight. The file comes from a paste.
      await ada.page.route("**/channels/*/files", () => {});
      const box = ada.page.getByRole("textbox", { name: "Message" });
      await box.evaluate((el) => {
        const data = new DataTransfer();
        data.items.add(new File(["x".repeat(5000)], "big.txt"));
        el.dispatchEvent(
          new ClipboardEvent("paste", {
            clipboardData: data,
            bubbles: true,
            cancelable: true,
          }),
        );
      });
      const bar = ada.page.getByRole("progressbar", {
        name: "Uploading big.txt",
      });
      await bar.waitFor();
      await ada.page.getByRole("button", { name: "Cancel upload of big.txt" })
        .click();
      await bar.waitFor({ state: "detached" });
      assert.equal(await ada.log().locator(".attachment-card").count(), 0);
    });
  },
});

// A 2x2 PNG, drawn by the browser so the bytes are a real image.
async function pngBytes(person: Person): Promise<Buffer> {
  const data = await person.page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 2;
    canvas.height = 2;
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = "#c0392b";
    ctx.fillRect(0, 0, 2, 2);
    return canvas.toDataURL("image/png").split(",")[1];
  });
  return Buffer.from(data, "base64");
}

Deno.test({
  ...TEST,
  name:
    "chat: a display name someone else uses shows the unique username beside it",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      // Ben takes Ada's name as his display name.
      const status = await ben.page.evaluate(async () =>
        (await fetch("/me", {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ displayName: "ada" }),
        })).status
      );
      assert.equal(status, 200);
      await ben.page.reload();
      await ben.ready();
      await ben.send("Hi, it is me, Ada");
      await ada.sees("Hi, it is me, Ada");
      const head = ada.log().locator(".msg-first .msg-head").last();
      assert.equal(await head.locator(".msg-author").textContent(), "ada");
      assert.equal(await head.locator(".msg-handle").textContent(), "@ben");
      // Ada's own messages need no handle: her display name is her username.
      await ada.send("No, I am");
      await ben.sees("No, I am");
      const mine = ben.log().locator(".msg-first .msg-head").last();
      assert.equal(await mine.locator(".msg-handle").count(), 0);
      // The member list tells them apart too.
      await ada.page.reload();
      await ada.ready();
      const members = ada.page.getByRole("complementary", { name: "Members" });
      await members.locator(".member-handle", { hasText: "@ben" }).waitFor();
      assert.equal(
        await members.locator(".member-name", { hasText: "@ben" })
          .textContent(),
        "ada @ben",
      );
    });
  },
});
