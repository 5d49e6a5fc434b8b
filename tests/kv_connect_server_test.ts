/**
 * The KV Connect test server answers Deno's own client: `Deno.openKv` on its
 * http:// URL with `DENO_KV_ACCESS_TOKEN` set can set, get, list, check,
 * sum, delete and watch, and a watch sees another client's write.
 */
import assert from "node:assert/strict";
import { withDeadline } from "./helpers/deadline.ts";
import {
  type KvConnectServer,
  startKvConnectServer,
} from "./helpers/kv_connect_server.ts";

/** Runs `body` with a fresh server and two clients of it, and always cleans up. */
async function withClients(
  body: (a: Deno.Kv, b: Deno.Kv, server: KvConnectServer) => Promise<void>,
): Promise<void> {
  const server = await startKvConnectServer();
  Deno.env.set("DENO_KV_ACCESS_TOKEN", server.token);
  const a = await Deno.openKv(server.url);
  const b = await Deno.openKv(server.url);
  try {
    await body(a, b, server);
  } finally {
    a.close();
    b.close();
    await server.close();
  }
}

Deno.test("KV Connect server: set, get, getMany, list in key order, ranges, reverse and limits", async () => {
  await withClients(async (a, b) => {
    const set = await a.set(["user", "ann"], { name: "Ann", n: 1 });
    assert.ok(set.ok);
    const got = await b.get(["user", "ann"]);
    assert.deepEqual(got.value, { name: "Ann", n: 1 });
    assert.equal(got.versionstamp, set.versionstamp);
    assert.equal((await b.get(["user", "nobody"])).value, null);

    // Keys of several types, written out of order, come back in KV's order.
    const keys: Deno.KvKey[] = [
      ["k", "b"],
      ["k", 2],
      ["k", 1n],
      ["k", true],
      ["k", new Uint8Array([1])],
      ["k", "a"],
      ["k", 1],
      ["k", "a", "deeper"],
    ];
    for (const [i, key] of keys.entries()) await a.set(key, i);
    const listed = await Array.fromAsync(b.list({ prefix: ["k"] }));
    assert.deepEqual(listed.map((e) => e.key), [
      ["k", new Uint8Array([1])],
      ["k", "a"],
      ["k", "a", "deeper"],
      ["k", "b"],
      ["k", 1n],
      ["k", 1],
      ["k", 2],
      ["k", true],
    ]);
    const reversed = await Array.fromAsync(
      b.list({ prefix: ["k"] }, { reverse: true, limit: 3 }),
    );
    assert.deepEqual(reversed.map((e) => e.key), [["k", true], ["k", 2], [
      "k",
      1,
    ]]);
    const ranged = await Array.fromAsync(
      b.list({ start: ["k", "a"], end: ["k", "b"] }),
    );
    assert.deepEqual(ranged.map((e) => e.key), [["k", "a"], [
      "k",
      "a",
      "deeper",
    ]]);
    // Pages through more than one batch of the client's reads.
    for (let i = 0; i < 250; i++) await a.set(["many", i], "x".repeat(i));
    const many = await Array.fromAsync(
      b.list({ prefix: ["many"] }, { batchSize: 100 }),
    );
    assert.deepEqual(many.map((e) => e.key[1]), [...Array(250).keys()]);
    const multi = await b.getMany([["user", "ann"], ["k", 2], ["missing"]]);
    assert.deepEqual(multi.map((e) => e.value), [
      { name: "Ann", n: 1 },
      1,
      null,
    ]);
  });
});

Deno.test("KV Connect server: atomic checks, sum, min, max, delete, byte values and expiry", async () => {
  await withClients(async (a, b) => {
    const first = await a.atomic().check({ key: ["c"], versionstamp: null })
      .set(["c"], "one").commit();
    assert.ok(first.ok);
    // A check on "absent" now fails, and nothing of that atomic lands.
    const again = await b.atomic().check({ key: ["c"], versionstamp: null })
      .set(["c"], "two").set(["other"], 1).commit();
    assert.equal(again.ok, false);
    assert.equal((await a.get(["other"])).value, null);
    assert.equal(
      (await b.atomic().check({ key: ["c"], versionstamp: first.versionstamp! })
        .set(["c"], "two").commit()).ok,
      true,
    );
    assert.equal((await a.get(["c"])).value, "two");
    // Versionstamps grow with each commit.
    const v1 = (await a.set(["v"], 1)).versionstamp;
    const v2 = (await b.set(["v"], 2)).versionstamp;
    assert.ok(v2 > v1, `${v2} after ${v1}`);

    await a.atomic().sum(["n"], 5n).commit();
    await b.atomic().sum(["n"], 7n).sum(["n"], 1n).commit();
    assert.equal((await a.get<Deno.KvU64>(["n"])).value?.value, 13n);
    await a.atomic().min(["n"], 4n).commit();
    assert.equal((await b.get<Deno.KvU64>(["n"])).value?.value, 4n);
    await a.atomic().max(["n"], 9n).max(["m"], 2n).commit();
    assert.equal((await b.get<Deno.KvU64>(["n"])).value?.value, 9n);
    assert.equal((await b.get<Deno.KvU64>(["m"])).value?.value, 2n);
    // A sum on a value that is not a KvU64 is refused, not applied.
    await assert.rejects(a.atomic().sum(["c"], 1n).commit());
    assert.equal((await a.get(["c"])).value, "two");

    await b.set(["bytes"], new Uint8Array([0, 1, 255]));
    assert.deepEqual(
      (await a.get(["bytes"])).value,
      new Uint8Array([0, 1, 255]),
    );
    await a.delete(["c"]);
    assert.equal((await b.get(["c"])).value, null);

    await a.set(["brief"], 1, { expireIn: 200 });
    assert.equal((await b.get(["brief"])).value, 1);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await b.get(["brief"])).value, null);
  });
});

Deno.test("KV Connect server: a watch sees the current values, then another client's writes", async () => {
  await withClients(async (a, b) => {
    await a.set(["w", 1], "start");
    const stream = a.watch([["w", 1], ["w", 2]]);
    const reader = stream.getReader();
    const next = async () => {
      const { value, done } = await withDeadline(reader.read(), 5000, "watch");
      assert.ok(!done && value);
      return value.map((e) => e.value);
    };
    try {
      assert.deepEqual(await next(), ["start", null]);
      await b.set(["w", 2], "from b");
      assert.deepEqual(await next(), ["start", "from b"]);
      await b.atomic().set(["w", 1], "both").delete(["w", 2]).commit();
      assert.deepEqual(await next(), ["both", null]);
      // A write elsewhere wakes nothing; the next watched one is what comes.
      await b.set(["w", 3], "unwatched");
      await b.set(["w", 1], "last");
      assert.deepEqual(await next(), ["last", null]);
    } finally {
      await reader.cancel();
    }
  });
});

Deno.test("KV Connect server: a wrong access token is refused when the database opens", async () => {
  const server = await startKvConnectServer();
  Deno.env.set("DENO_KV_ACCESS_TOKEN", "not-the-token");
  try {
    await assert.rejects(Deno.openKv(server.url), /401|access token/);
  } finally {
    await server.close();
  }
});
