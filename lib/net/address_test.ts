import assert from "node:assert/strict";
import { isPrivateAddress } from "./address.ts";

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
      "::ffff:0.0.0.0",
      "::ffff:100.64.0.1",
      "fe80::abcd:1",
      "febf::1",
      "fdff::1",
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
