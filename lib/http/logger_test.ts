import assert from "node:assert/strict";
import { pathOf } from "./logger.ts";

Deno.test("pathOf() reads the same path as URL parsing, without the query or fragment", () => {
  const urls = [
    "http://a:1/x/y?q=1#h",
    "http://a",
    "https://user:pass@host.example/a%20b/../c?x=/y",
    "http://127.0.0.1:8000/channels/abc/messages?limit=50",
    "http://h/p#f?x",
    "http://[::1]:80/v6",
    "http://a/?x",
    "http://a/%2F/x",
    "file:///tmp/x",
  ];
  for (const raw of urls) {
    const url = new Request(raw).url;
    assert.equal(pathOf(url), new URL(url).pathname, url);
  }
});
