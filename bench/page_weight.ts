/**
 * The chat page's transfer weight on a cold load: every request Chromium
 * makes to open a channel with 50 messages (the page, its scripts, styles,
 * icon and manifest), as the browser received it, and the same URLs fetched
 * plain (`Accept-Encoding: identity`, which is what every client got before
 * Hearth compressed), with gzip only, and with brotli. Body bytes; headers
 * are not counted.
 *
 * Run after `deno task build`: `deno run -A bench/page_weight.ts`.
 */
import { launchBrowser } from "../tests/helpers/browser.ts";
import { createChannel, postMessage, signUp } from "../tests/helpers/api.ts";
import { startTestServer } from "../tests/helpers/server.ts";
import { rawRequest } from "../tests/helpers/raw_http.ts";
import { setLogLevel } from "../lib/log.ts";

setLogLevel("warn");
const server = await startTestServer([], { passwordCost: 4 });
const browser = await launchBrowser();
try {
  const ada = await signUp(server.base, "ada");
  const room = await createChannel(ada.api, "design");
  for (let i = 0; i < 50; i++) {
    await postMessage(
      ada.api,
      room.id,
      `Message ${i}: the mock-ups for the new landing page are in the shared folder.`,
    );
  }
  const context = await browser.newContext();
  await context.addCookies([{
    name: "hearth_token",
    value: ada.token,
    url: server.base,
  }]);
  const page = await context.newPage();
  const seen: { method: string; url: string; type: string; body: number }[] =
    [];
  page.on("requestfinished", async (request) => {
    const sizes = await request.sizes();
    const response = await request.response();
    seen.push({
      method: request.method(),
      url: request.url(),
      type: response?.headers()["content-type"] ?? "",
      body: sizes.responseBodySize,
    });
  });
  await page.goto(`${server.base}/c/${room.id}`, { waitUntil: "load" });
  await page.getByRole("textbox").first().waitFor();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await context.close();

  const cookie = { cookie: `hearth_token=${ada.token}` };
  const rows: string[] = [];
  const total = { browser: 0, identity: 0, gzip: 0, br: 0 };
  const gets = seen.filter((e) =>
    e.method === "GET" && e.url.startsWith(server.base)
  );
  for (const entry of gets) {
    const path = new URL(entry.url).pathname;
    const sizes: Record<string, number> = {};
    for (const coding of ["identity", "gzip", "br"] as const) {
      const answer = await rawRequest(server.base, path, {
        ...cookie,
        "accept-encoding": coding,
      });
      sizes[coding] = answer.bytes.byteLength;
      total[coding] += answer.bytes.byteLength;
    }
    total.browser += entry.body;
    rows.push(
      `| ${
        path.replace(/-[A-Za-z0-9]{6,}\./, "-….").replace(
          /[0-9a-f-]{36}/,
          "{id}",
        )
      } | ${
        entry.type.split(";")[0]
      } | ${sizes.identity} | ${sizes.gzip} | ${sizes.br} | ${entry.body} |`,
    );
  }
  console.log(
    "| request | type | plain | gzip | brotli | as Chromium received it |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
  console.log(
    `| **all ${rows.length}** | | **${total.identity}** | **${total.gzip}** | **${total.br}** | **${total.browser}** |`,
  );
} finally {
  await browser.close();
  await server.shutdown();
}
