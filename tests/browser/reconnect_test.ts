import { postMessage, signUp } from "../helpers/api.ts";
import { assertEachOnce, startServer, withChat } from "./_chat.ts";

Deno.test({
  name:
    "reconnect: after a server restart both clients resume with nothing missing or doubled",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const db = await Deno.makeTempFile({ prefix: "hearth-", suffix: ".db" });
    try {
      await withChat(async (env) => {
        const ada = await env.signedUp("ada");
        const ben = await env.signedUp("ben");
        const cleo = await signUp(env.base, "cleo");
        const general = ada.page.url().split("/c/")[1];

        await ada.send("Before the restart, from Ada");
        await ben.sees("Before the restart, from Ada");
        await ben.send("Before the restart, from Ben");
        await ada.sees("Before the restart, from Ben");

        // The server goes away: both pages say so.
        const port = env.server.port;
        await env.server.shutdown();
        for (const person of [ada, ben]) {
          await person.page.getByText("Connection lost. Reconnecting…")
            .waitFor();
        }

        // A send while it is down fails, still offering Retry.
        await ben.send("Sent while the server was down");
        const failed = ben.log().locator('.msg[data-status="failed"]');
        await failed.getByRole("button", { name: "Retry" }).waitFor();

        // Same port, same database file. Cleo posts at once, before the
        // clients are back: they must catch up on it from `after=`.
        env.server = await startServer(["--db", db, "--port", String(port)]);
        await postMessage(
          cleo.api,
          general,
          "Posted while the clients were away",
        );
        for (const person of [ada, ben]) {
          await person.page.locator(".banner").waitFor({ state: "detached" });
          await person.sees("Posted while the clients were away");
        }

        // It goes out by itself once Ben's socket is back.
        await ada.sees("Sent while the server was down");
        await ben.sees("Sent while the server was down");

        await ada.send("After the restart, from Ada");
        await ben.sees("After the restart, from Ada");
        await ben.send("After the restart, from Ben");
        await ada.sees("After the restart, from Ben");

        const texts = [
          "Before the restart, from Ada",
          "Before the restart, from Ben",
          "Posted while the clients were away",
          "Sent while the server was down",
          "After the restart, from Ada",
          "After the restart, from Ben",
        ];
        await assertEachOnce([ada, ben], texts);
      }, ["--db", db]);
    } finally {
      await Deno.remove(db).catch(() => {});
      for (const suffix of ["-shm", "-wal"]) {
        await Deno.remove(db + suffix).catch(() => {});
      }
    }
  },
});
