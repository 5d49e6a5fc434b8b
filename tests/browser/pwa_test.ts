import assert from "node:assert/strict";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...TEST,
  name:
    "pwa: the page links a manifest that parses, and the service worker registers for the root scope",
  async fn() {
    await withChat(async (env) => {
      const ada = await env.signedUp("ada");
      const { page } = ada;
      const href = await page.locator('link[rel="manifest"]').getAttribute(
        "href",
      );
      assert.ok(href);
      const manifest = await page.evaluate(async (url) => {
        const res = await fetch(url);
        return {
          type: res.headers.get("content-type"),
          body: await res.json(),
        };
      }, href);
      assert.match(manifest.type ?? "", /^application\/manifest\+json/);
      assert.equal(manifest.body.name, "Hearth");
      assert.equal(manifest.body.start_url, "/");
      assert.equal(manifest.body.display, "standalone");
      const sizes = manifest.body.icons.map((i: { sizes: string }) => i.sizes);
      for (const size of ["192x192", "512x512"]) {
        assert.ok(sizes.includes(size), `an icon of ${size}: ${sizes}`);
      }
      for (const icon of manifest.body.icons) {
        const status = await page.evaluate(
          async (src) => (await fetch(src)).status,
          icon.src,
        );
        assert.equal(status, 200, icon.src);
      }

      // The same registration the page makes once notifications are allowed.
      const scope = await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.register("/sw.js", {
          scope: "/",
        });
        await navigator.serviceWorker.ready;
        return registration.scope;
      });
      assert.equal(scope, env.base + "/");
      const active = await page.evaluate(async () =>
        (await navigator.serviceWorker.ready).active?.state
      );
      assert.ok(active === "activated" || active === "activating", active);
    });
  },
});
