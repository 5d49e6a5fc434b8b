import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createChannel, signUp } from "../helpers/api.ts";
import { assertAccessible } from "./_axe.ts";
import { type ChatEnv, startServer, withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

/** The chat page's JavaScript budget, gzipped. */
const JS_BUDGET = 60 * 1024;

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}

Deno.test({
  ...TEST,
  name: "pages: the chat page loads under 60 KB of gzipped JavaScript",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.person();
      const scripts = new Map<string, Buffer>();
      ada.page.on("response", async (response) => {
        if (response.url().endsWith(".js")) {
          scripts.set(response.url(), await response.body());
        }
      });
      await ada.signUp("ada");
      await ada.page.reload();
      await ada.ready();
      await ada.page.waitForLoadState("networkidle");
      let raw = 0;
      let gzipped = 0;
      const chatScripts = [...scripts].filter(([url]) =>
        !url.includes("SignInForm")
      );
      for (const [, body] of chatScripts) {
        raw += body.byteLength;
        gzipped += await gzipSize(new Uint8Array(body));
      }
      console.log(
        `chat page JavaScript: ${chatScripts.length} files, ${raw} bytes, ${gzipped} bytes gzipped`,
      );
      assert.ok(chatScripts.length > 0);
      assert.ok(gzipped < JS_BUDGET, `${gzipped} bytes gzipped`);
      // The shared wire types bring no validation library to the browser.
      for (const [url, body] of chatScripts) {
        assert.doesNotMatch(body.toString(), /ZodError/, url);
      }
    });
  },
});

// A signed-up person on a quiet chat page, and the requests for the chunk
// of on-demand views (built from components/on_demand_code.ts) it has made.
async function quietChatPage(env: ChatEnv) {
  const ada = await env.person();
  const fetched: string[] = [];
  ada.page.on("request", (request) => {
    if (/\/on_demand_code-[\w-]+\.js$/.test(request.url())) {
      fetched.push(request.url());
    }
  });
  await ada.signUp("ada");
  await ada.page.reload();
  await ada.ready();
  await ada.page.waitForLoadState("networkidle");
  assert.deepEqual(fetched, [], "nothing fetched before a view opens");
  return { ada, fetched };
}

Deno.test({
  ...TEST,
  name:
    "pages: the dialogs' code is fetched when the first one opens, and only once",
  async fn() {
    await withChat(async (env) => {
      const { ada, fetched } = await quietChatPage(env);
      await ada.nav().getByRole("button", { name: "New channel" }).click();
      const dialog = ada.page.getByRole("dialog", { name: "New channel" });
      // It opens as before: as a modal, with the focus in its first field.
      await dialog.getByRole("textbox", { name: "Channel name" }).waitFor();
      await ada.page.waitForFunction(() =>
        document.activeElement?.getAttribute("name") === "name"
      );
      assert.equal(fetched.length, 1);
      await assertAccessible(ada.page, "the new channel dialog, loaded late");
      await ada.page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });

      // Another view comes from the same chunk: no second request.
      await ada.page.locator("[role=log]").focus();
      await ada.page.keyboard.press("/");
      await ada.page.getByRole("dialog", { name: "Search messages" })
        .getByRole("searchbox").waitFor();
      assert.equal(fetched.length, 1);
    });
  },
});

Deno.test({
  ...TEST,
  name:
    "pages: search opens on the first Ctrl+K while its code is still to come",
  async fn() {
    await withChat(async (env) => {
      const { ada, fetched } = await quietChatPage(env);
      await ada.page.keyboard.press("Control+k");
      const search = ada.page.getByRole("dialog", { name: "Search messages" });
      await search.getByRole("searchbox").waitFor();
      await ada.page.waitForFunction(() =>
        document.activeElement?.getAttribute("type") === "search"
      );
      assert.equal(fetched.length, 1);
    });
  },
});

Deno.test({
  ...TEST,
  name: "pages: first paint has the channel list and the newest messages",
  async fn() {
    const server = await startServer();
    try {
      const ada = await signUp(server.base, "ada");
      const channels = (await ada.api.get("/channels")).body;
      const general = channels[0].id;
      await ada.api.post(`/channels/${general}/messages`, {
        content: "Rendered on the server <i>safely</i>",
      });
      const res = await fetch(`${server.base}/c/${general}`, {
        headers: { cookie: `hearth_token=${ada.token}`, accept: "text/html" },
      });
      assert.equal(res.status, 200);
      assert.match(
        res.headers.get("set-cookie") ?? "",
        new RegExp(`^hearth_last_channel=${general}; Path=/`),
      );
      assert.doesNotMatch(res.headers.get("set-cookie") ?? "", /HttpOnly/);
      const html = await res.text();
      assert.match(
        html,
        /<nav id="sidebar" class="sidebar" aria-label="Channels">/,
      );
      assert.match(html, /role="log"/);
      assert.match(html, /Rendered on the server &lt;i>safely&lt;\/i>/);
      assert.doesNotMatch(html, /<i>safely/);
      assert.doesNotMatch(html, /<script>/, "no inline script");
      assert.match(
        res.headers.get("content-security-policy") ?? "",
        /script-src 'self'/,
      );
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test({
  ...TEST,
  name:
    "pages: signed-out visitors go to the front door; strangers get 404 and 403 pages",
  async fn() {
    const server = await startServer();
    try {
      const ada = await signUp(server.base, "ada");
      const ben = await signUp(server.base, "ben");
      const secret = await createChannel(ben.api, "secret", { private: true });
      const open = await createChannel(ben.api, "open");
      const general = (await ada.api.get("/channels")).body[0].id;
      const get = (path: string, cookie?: string) =>
        fetch(server.base + path, {
          redirect: "manual",
          headers: { accept: "text/html", ...(cookie ? { cookie } : {}) },
        });
      const asAda = `hearth_token=${ada.token}`;

      for (const path of [`/c/${general}`, "/browse"]) {
        const res = await get(path);
        await res.body?.cancel();
        assert.equal(res.status, 302, path);
        assert.equal(res.headers.get("location"), "/");
      }

      // Signed in, `/` goes to the last channel, else general.
      let res = await get("/", asAda);
      await res.body?.cancel();
      assert.equal(res.headers.get("location"), `/c/${general}`);
      await ada.api.post(`/channels/${open.id}/join`);
      res = await get("/", `${asAda}; hearth_last_channel=${open.id}`);
      await res.body?.cancel();
      assert.equal(res.headers.get("location"), `/c/${open.id}`);
      res = await get("/", `${asAda}; hearth_last_channel=${secret.id}`);
      await res.body?.cancel();
      assert.equal(res.headers.get("location"), `/c/${general}`);

      res = await get("/c/no-such-channel", asAda);
      assert.equal(res.status, 404);
      assert.match(await res.text(), /This page does not exist/);
      res = await get(`/c/${secret.id}`, asAda);
      assert.equal(res.status, 403);
      assert.match(await res.text(), /You cannot see this/);
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test({
  ...TEST,
  name: "pages: a public channel you are not in offers Join",
  async fn() {
    await withChat(async (env) => {
      const ben = await signUp(env.base, "ben");
      const room = await createChannel(ben.api, "porch", {
        topic: "Sit a while",
      });
      const ada = await env.signedUp("ada");
      await ada.page.goto(`${env.base}/c/${room.id}`);
      await ada.ready();
      await ada.page.getByText("Sit a while").first().waitFor();
      assert.equal(await ada.page.getByRole("log").count(), 0);
      await ada.page.getByRole("button", { name: "Join" }).click();
      await ada.page.getByRole("textbox", { name: "Message" }).waitFor();
      await ada.nav().getByRole("link", { name: "porch" }).waitFor();
      await ada.send("Hello porch");
      await ada.sees("Hello porch");
    });
  },
});

Deno.test({
  ...TEST,
  name: "pages: hydration keeps the server's text exactly (no doubled words)",
  async fn() {
    await withChat(async (env) => {
      const ben = await signUp(env.base, "ben");
      const general = (await ben.api.get("/channels")).body[0].id;
      const side = await createChannel(ben.api, "side", { topic: "Over here" });
      const ada = await env.signedUp("ada");
      await ada.page.evaluate(
        (id) => fetch(`/channels/${id}/join`, { method: "POST" }),
        side.id,
      );
      // Away from any channel, so nothing gets read before both loads.
      await ada.page.goto(`${env.base}/browse`);
      for (const text of ["One", "Two https://example.org/x", "Three"]) {
        await ben.api.post(`/channels/${side.id}/messages`, { content: text });
      }
      await ben.api.post(`/channels/${general}/messages`, { content: "Hi" });

      const url = `${env.base}/c/${general}`;
      const plain = await env.browser.newContext({ javaScriptEnabled: false });
      await plain.addCookies(await ada.context.cookies());
      const still = await plain.newPage();
      for (
        const path of [url, `${env.base}/c/${side.id}`, `${env.base}/browse`]
      ) {
        await still.goto(path);
        // The member list changes as soon as the socket says who is online.
        const server = await still.locator(".sidebar, .chat").allInnerTexts();
        await ada.page.goto(path);
        await ada.ready();
        await ada.page.waitForTimeout(200);
        const hydrated = await ada.page.locator(".sidebar, .chat")
          .allInnerTexts();
        assert.deepEqual(hydrated, server, path);
        // Let the open channel's read marker land before the next page.
        const unreadHere = () =>
          ada.page.evaluate(async () => {
            const id = location.pathname.split("/c/")[1];
            if (!id) return 0;
            const channels: { id: string; unread: number }[] =
              await (await fetch("/channels")).json();
            return channels.find((c) => c.id === id)?.unread ?? 0;
          });
        while (await unreadHere() > 0) await ada.page.waitForTimeout(100);
      }
      await plain.close();
    });
  },
});
