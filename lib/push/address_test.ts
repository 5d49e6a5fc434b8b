import assert from "node:assert/strict";
import { isPrivateAddress, refuseEndpoint } from "./address.ts";

Deno.test("isPrivateAddress() refuses loopback, private, link-local, mapped and special addresses", () => {
  for (
    const ip of [
      "127.0.0.1",
      "127.9.9.9",
      "0.0.0.0",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "224.0.0.1",
      "255.255.255.255",
      "::",
      "::1",
      "[::1]",
      "fe80::1",
      "fe80::1%eth0",
      "fc00::1",
      "fd12:3456::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:10.0.0.1",
      "::ffff:169.254.169.254",
      "64:ff9b::7f00:1",
      "ff02::1",
      "not an address",
      "1.2.3",
    ]
  ) assert.equal(isPrivateAddress(ip), true, ip);
  for (
    const ip of [
      "8.8.8.8",
      "142.250.74.78",
      "172.32.0.1",
      "2607:f8b0:4004:800::200e",
      "::ffff:8.8.8.8",
    ]
  ) assert.equal(isPrivateAddress(ip), false, ip);
});

Deno.test("refuseEndpoint() takes https on public addresses only, and http://127.0.0.1 only with the flag", async () => {
  const strict = { allowHttpLoopback: false, resolve: fakeDns };
  const loose = { allowHttpLoopback: true, resolve: fakeDns };
  assert.equal(await refuseEndpoint("https://push.example/x", strict), null);
  assert.equal(await refuseEndpoint("https://8.8.8.8/x", strict), null);
  const refused = [
    "http://push.example/x",
    "http://127.0.0.1:9/x",
    "ftp://push.example/x",
    "https://localhost/x",
    "https://app.localhost/x",
    "https://127.0.0.1/x",
    "https://0.0.0.0/x",
    "https://[::1]/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://169.254.169.254/latest",
    "https://internal.example/x",
    "https://mixed.example/x",
    "https://nowhere.example/x",
    "https://user:pw@push.example/x",
    "not a url",
  ];
  for (const url of refused) {
    assert.notEqual(await refuseEndpoint(url, strict), null, url);
  }
  assert.equal(await refuseEndpoint("http://127.0.0.1:9/x", loose), null);
  assert.notEqual(await refuseEndpoint("http://localhost:9/x", loose), null);
  assert.notEqual(await refuseEndpoint("http://10.0.0.1:9/x", loose), null);
});

// Names the test resolves: one public, one private, one with both, one none.
function fakeDns(host: string): Promise<string[]> {
  const table: Record<string, string[]> = {
    "push.example": ["93.184.216.34", "2606:2800:220:1::1"],
    "internal.example": ["10.0.0.7"],
    "mixed.example": ["93.184.216.34", "::ffff:192.168.0.1"],
  };
  return Promise.resolve(table[host] ?? []);
}
