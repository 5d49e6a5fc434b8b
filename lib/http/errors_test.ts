import assert from "node:assert/strict";
import { wantsHtml } from "./errors.ts";

const get = (accept: string, method = "GET") =>
  new Request("http://localhost/x", { method, headers: { accept } });

Deno.test("wantsHtml() is true for browser navigations, whatever the case", () => {
  assert.equal(wantsHtml(get("text/html,application/xhtml+xml")), true);
  assert.equal(wantsHtml(get("TEXT/HTML")), true);
});

Deno.test("wantsHtml() is false for API clients and for writes", () => {
  assert.equal(wantsHtml(get("application/json")), false);
  assert.equal(wantsHtml(get("*/*")), false);
  assert.equal(wantsHtml(get("text/html", "POST")), false);
});
