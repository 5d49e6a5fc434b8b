/** Accessibility checks with axe-core, run inside the page under test. */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe on `page` as it is now and fails with every violation listed. */
export async function assertAccessible(page: Page, what: string) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations.map((v) => v.text), [], `axe on ${what}`);
}

/** The WCAG 2.1 AA violations axe finds on `page` as it is now, each rule once. */
export async function axeViolations(
  page: Page,
): Promise<{ id: string; text: string }[]> {
  // Evaluated over the DevTools protocol, which the page's CSP (no inline
  // script) does not govern; a script tag would be refused, as it should be.
  if (!await page.evaluate(() => "axe" in globalThis)) {
    await page.evaluate(axe.source);
  }
  const violations = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const result = await (globalThis as any).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"] },
    });
    return result.violations as Violation[];
  });
  return violations.map((v) => ({
    id: v.id,
    text: `${v.id} (${v.impact}): ${v.help} at ${
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")
    }`,
  }));
}
