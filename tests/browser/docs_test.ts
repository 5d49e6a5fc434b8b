/**
 * `/docs` in Chromium: Swagger UI renders Hearth's document from this origin
 * alone, under the page CSP, without a script error.
 */
import assert from "node:assert/strict";
import { axeViolations } from "./_axe.ts";
import { withChat } from "./_chat.ts";

const TEST = { sanitizeResources: false, sanitizeOps: false };

/**
 * What axe finds in Swagger UI's own markup, which this page cannot change:
 * each operation's summary is a button holding another control
 * (nested-interactive), and example code blocks scroll without being
 * focusable (scrollable-region-focusable). Any other violation fails.
 */
const SWAGGER_UI_VIOLATIONS = [
  "nested-interactive",
  "scrollable-region-focusable",
];

Deno.test({
  ...TEST,
  name: "/docs renders every operation from this origin under the page CSP",
  async fn() {
    await withChat(async (env) => {
      const visitor = await env.person();
      const { page } = visitor;
      const refused: string[] = [];
      const foreign: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) {
          refused.push(message.text());
        }
      });
      page.on("request", (request) => {
        if (!request.url().startsWith(env.base)) foreign.push(request.url());
      });
      await page.goto(env.base + "/docs");
      const summaries = page.locator(".opblock-summary-path");
      await page.getByText("/channels/{id}/messages/{seq}", { exact: true })
        .first().waitFor();
      const document = await (await fetch(env.base + "/openapi.json")).json();
      const operations = Object.values(document.paths)
        .flatMap((item) => Object.keys(item as object)).length;
      await page.waitForFunction(
        (n) => document.querySelectorAll(".opblock-summary-path").length >= n,
        operations,
      );
      assert.equal(await summaries.count(), operations);
      // An operation opens to its parameters and answers.
      await page.locator("#operations-channels-postMessage button").first()
        .click();
      await page.getByText("The message stored the first time").waitFor();
      assert.deepEqual(refused, [], "CSP refusals");
      assert.deepEqual(foreign, [], "requests to other origins");
      const violations = await axeViolations(page);
      assert.deepEqual(
        violations.filter((v) => !SWAGGER_UI_VIOLATIONS.includes(v.id))
          .map((v) => v.text),
        [],
        "axe on /docs, beyond Swagger UI's own known violations",
      );
      await visitor.context.close();
    });
  },
});
