import assert from "node:assert/strict";
import { Api, FrameSocket } from "../helpers/api.ts";
import { createUser } from "../../lib/db/users.ts";
import { signToken } from "../../lib/auth/token.ts";
import { assertAccessible } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name:
    "member panel: Online and Offline sections with their counts, more members as it scrolls, presence live",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const { kv, signingKey } = env.server.services;
      // 150 more members of general, written straight into the store.
      const crowd = await Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          createUser(kv, {
            username: `m${String(i).padStart(3, "0")}`,
            passwordHash: "x",
          })),
      );
      // Written behind the server's back: drop the member lists it holds.
      env.server.services.roster.forget();
      await ada.page.reload();
      const { page } = ada;
      const members = page.getByRole("complementary", { name: "Members" });
      const online = members.getByRole("region", { name: "Online" });
      const offline = members.getByRole("region", { name: "Offline" });
      await online.getByRole("heading", { name: "Online — 1" }).waitFor();
      await offline.getByRole("heading", { name: "Offline — 150" }).waitFor();
      await online.getByText("ada").waitFor();

      // One page of 100 offline members loads; its end is out of view.
      const rows = offline.locator(".member");
      await rows.first().waitFor();
      assert.ok(await rows.count() <= 100, `${await rows.count()} rows`);

      // @-mentions ask the server for members not loaded yet.
      const box = page.getByRole("textbox", { name: "Message" });
      await box.pressSequentially("hi @m14");
      const list = page.getByRole("listbox", { name: "Members" });
      await list.getByRole("option", { name: /m140/ }).waitFor();
      assert.equal(await list.getByRole("option").count(), 8);
      await box.press("Escape");
      await box.fill("");

      // Scrolling to the end of the list loads the rest, page by page.
      for (let i = 0; i < 10 && await rows.count() < 150; i++) {
        await rows.last().scrollIntoViewIfNeeded();
        await page.waitForFunction(
          (seen) =>
            document.querySelectorAll("#members .member").length > seen ||
            document.querySelectorAll("#members .member").length >= 151,
          await members.locator(".member").count(),
          { timeout: 10_000 },
        ).catch(() => {});
      }
      assert.equal(await rows.count(), 150);
      await offline.getByText("m149").waitFor();

      // Someone comes online: the counts and sections follow.
      const { token } = await signToken(signingKey, crowd[149].id, 600);
      const channelId = new URL(page.url()).pathname.split("/").pop()!;
      const socket = await FrameSocket.open(env.base, channelId, token);
      try {
        await online.getByRole("heading", { name: "Online — 2" }).waitFor();
        await offline.getByRole("heading", { name: "Offline — 149" })
          .waitFor();
        await online.getByText("m149").waitFor();
        await assertAccessible(page, "the chat with a long member list");
        // Their new name shows at once, without a reload.
        const changed = await new Api(env.base, token).send("PATCH", "/me", {
          json: { displayName: "Mira" },
        });
        assert.equal(changed.status, 200);
        await online.getByText("Mira").waitFor();
      } finally {
        await socket.close();
      }
    });
  },
});
