import assert from "node:assert/strict";
import { clientAddress } from "./client_address.ts";

function request(forwardedFor?: string): Request {
  const headers = new Headers();
  if (forwardedFor !== undefined) headers.set("x-forwarded-for", forwardedFor);
  return new Request("http://hearth.test/auth/login", { headers });
}

Deno.test("clientAddress() ignores X-Forwarded-For unless the proxy is trusted", () => {
  assert.equal(
    clientAddress(request("203.0.113.9"), "127.0.0.1", false),
    "127.0.0.1",
  );
  assert.equal(clientAddress(request(), "127.0.0.1", true), "127.0.0.1");
});

Deno.test("clientAddress() believes only the entry the nearest proxy appended", () => {
  assert.equal(
    clientAddress(request("203.0.113.9"), "127.0.0.1", true),
    "203.0.113.9",
  );
  // Whatever the client sent first is its own claim; the proxy adds the last.
  assert.equal(
    clientAddress(
      request("10.0.0.1, 198.51.100.7 ,203.0.113.9"),
      "127.0.0.1",
      true,
    ),
    "203.0.113.9",
  );
  assert.equal(
    clientAddress(request("2001:db8::1"), "127.0.0.1", true),
    "2001:db8::1",
  );
  assert.equal(
    clientAddress(request("[2001:db8::2]"), "127.0.0.1", true),
    "2001:db8::2",
  );
  assert.equal(
    clientAddress(request("::ffff:192.0.2.1"), "127.0.0.1", true),
    "::ffff:192.0.2.1",
  );
});

Deno.test("clientAddress() falls back to the peer for an entry that is no address", () => {
  for (
    const bad of [
      "",
      "unknown",
      "203.0.113.9:4711",
      "999.1.1.1",
      "a, b",
      "hearth.test",
      "1.2.3",
    ]
  ) {
    assert.equal(
      clientAddress(request(bad), "127.0.0.1", true),
      "127.0.0.1",
      bad,
    );
  }
});
