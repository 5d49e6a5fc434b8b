import assert from "node:assert/strict";
import type { WebSocketRoute } from "playwright-core";
import { assertEachOnce, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name:
    "outbox: messages that failed while offline go out by themselves when the socket is back, exactly once",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const ben = await env.signedUp("ben");
      const { page } = ada;

      // Ada's sockets pass through a switch the test can open.
      let cut = false;
      const sockets: WebSocketRoute[] = [];
      await page.routeWebSocket(/\/ws\/channels\//, (ws) => {
        if (cut) return ws.close({ code: 4000, reason: "cut" });
        ws.connectToServer();
        sockets.push(ws);
      });
      // The first POST while cut reaches the server but its answer is lost;
      // later ones never leave.
      let lostAnswers = 1;
      await page.route("**/channels/*/messages", async (route) => {
        if (route.request().method() !== "POST" || !cut) {
          return await route.fallback();
        }
        if (lostAnswers-- > 0) await route.fetch();
        await route.abort("internetdisconnected");
      });
      await page.reload();
      await ada.ready();

      await ada.send("Before the tunnel");
      await ben.sees("Before the tunnel");

      cut = true;
      for (const ws of sockets.splice(0)) {
        await ws.close({ code: 4000, reason: "cut" });
      }
      await page.getByText("Connection lost. Reconnecting…").waitFor();
      await ada.send("Stored, but the answer was lost");
      await ada.send("Never left the tunnel");
      const waiting = ada.log().locator('.msg[data-status="failed"]');
      await waiting.nth(1).waitFor();
      await waiting.first().getByText(
        "goes out by itself when the connection is back",
        { exact: false },
      ).waitFor();
      await ben.sees("Stored, but the answer was lost");
      await page.screenshot({ path: "/tmp/hearth-outbox-waiting.png" });

      // The connection comes back: no click, both go out, once each.
      cut = false;
      await page.evaluate(() => dispatchEvent(new Event("online")));
      await ada.page.locator(".banner").waitFor({ state: "detached" });
      for (const person of [ada, ben]) {
        await person.sees("Never left the tunnel");
      }
      assert.equal(await waiting.count(), 0);
      const texts = [
        "Before the tunnel",
        "Stored, but the answer was lost",
        "Never left the tunnel",
      ];
      await assertEachOnce([ada, ben], texts);
      // And the server holds each once: a fresh page shows the same.
      await ben.page.reload();
      await ben.ready();
      for (const text of texts) assert.equal(await ben.count(text), 1);
    });
  },
});
