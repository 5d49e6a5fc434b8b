/**
 * Upload captions: the text typed in the message box goes with the file
 * attached next (picker, paste or drop), shows in the pending-upload row, and
 * reaches the other person live, rendered like any message.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { assertAccessible } from "./_axe.ts";
import { dropFile, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name:
    "captions: text typed before attaching a file is its caption, live for the other person",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const box = ada.page.getByRole("textbox", { name: "Message" });

      // The file picker: the typed text leaves the box with the file.
      await box.fill("Here is **the plan**");
      const chooser = ada.page.waitForEvent("filechooser");
      await ada.page.getByRole("button", { name: "Attach" }).click();
      await (await chooser).setFiles({
        name: "plan.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("step one\n"),
      });
      const message = ben.log().locator(".msg", { hasText: "plan.txt" });
      await message.locator("strong", { hasText: "the plan" }).waitFor();
      await message.getByText("Here is").waitFor();
      await ada.page.waitForFunction(() =>
        (document.getElementById("composer") as HTMLTextAreaElement).value ===
          ""
      );

      // A paste: the pending row shows the caption while it goes up, and
      // cancelling puts the caption back in the box.
      await ada.page.route("**/channels/*/files", () => {});
      await box.fill("pasted with words");
      await box.evaluate((el) => {
        const data = new DataTransfer();
        data.items.add(new File(["x".repeat(5000)], "notes.txt"));
        el.dispatchEvent(
          new ClipboardEvent("paste", {
            clipboardData: data,
            bubbles: true,
            cancelable: true,
          }),
        );
      });
      const row = ada.page.getByRole("list", { name: "Uploads" })
        .getByRole("listitem");
      await row.getByText("pasted with words").waitFor();
      await assertAccessible(ada.page, "a pending upload with its caption");
      await ada.page.getByRole("button", { name: "Cancel upload of notes.txt" })
        .click();
      await row.waitFor({ state: "detached" });
      await ada.page.waitForFunction(() =>
        (document.getElementById("composer") as HTMLTextAreaElement).value ===
          "pasted with words"
      );
      await ada.page.unroute("**/channels/*/files");

      // A drop: the same, from the other side.
      await ben.page.getByRole("textbox", { name: "Message" }).fill(
        "dropped, see @ada",
      );
      await dropFile(ben, "data.bin", new Uint8Array([1, 2, 3]));
      const dropped = ada.log().locator(".msg", { hasText: "data.bin" });
      await dropped.getByText("dropped, see").waitFor();
      assert.equal(
        await dropped.locator(".attachment-card").count(),
        1,
        "the caption and its file are one message",
      );
    });
  },
});
