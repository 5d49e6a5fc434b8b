/**
 * Hearth on a KV Connect database (the test server, which holds clients to
 * the self-hosted `denokv`'s limits): what a remote store changes. Search
 * runs on the KV index and keeps to 10 checks per atomic; posts with many
 * clientIds in one batch still land, in order; bots' outgoing webhooks are
 * delivered without KV's queue; with the database server gone, /healthz
 * fails in bounded time instead of hanging; a process killed with SIGKILL
 * leaves nothing behind that a new one needs; over https, a private CA is
 * trusted through DENO_CERT; a login flood is refused with 429s, not 500s.
 */
import assert from "node:assert/strict";
import {
  Api,
  createChannel,
  FrameSocket,
  postMessage,
  request,
  signUp,
  type TestServer,
  uniqueName,
  withHearth,
} from "./helpers/api.ts";
import {
  type KvConnectServer,
  startKvConnectServer,
} from "./helpers/kv_connect_server.ts";
import { spawnKvConnectHearth } from "./helpers/kv_connect_hearths.ts";
import { hasOpenssl, makeTestTls } from "./helpers/kv_connect_tls.ts";
import { waitFor, withDeadline } from "./helpers/deadline.ts";
import type { Config } from "../lib/config.ts";
import { HEALTH_DEADLINE_MS } from "../lib/chat/health.ts";
import { LOGIN_FAILURES_PER_ADDRESS } from "../lib/auth/rate_limit.ts";

/** Runs `body` against an in-process Hearth on a fresh KV Connect test server. */
async function withHearthOnKvConnect(
  body: (server: TestServer, db: KvConnectServer) => Promise<void>,
  overrides: Partial<Config> = {},
): Promise<void> {
  const kvConnect = await startKvConnectServer();
  Deno.env.set("DENO_KV_ACCESS_TOKEN", kvConnect.token);
  try {
    await withHearth(
      (server) => body(server, kvConnect),
      ["--db", kvConnect.url],
      overrides,
    );
    assert.ok(kvConnect.store.size > 0, "nothing was stored on the server");
  } finally {
    await kvConnect.close();
  }
}

Deno.test("KV Connect: search runs on the KV index, a message touching dozens of posting blocks included", async () => {
  await withHearthOnKvConnect(async ({ base }) => {
    const ada = await signUp(base, uniqueName("ada"));
    const room = await createChannel(ada.api, uniqueName("room"));
    // About 80 distinct grams: 80 posting blocks, each written with a check.
    await postMessage(
      ada.api,
      room.id,
      "the quick brown fox jumps over the lazy dog near harbour lights",
    );
    await postMessage(ada.api, room.id, "nothing to see");
    const found = await ada.api.get(
      `/search?q=${encodeURIComponent("harbour")}`,
    );
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.deepEqual(
      found.body.results.map((r: { message: { seq: number } }) =>
        r.message.seq
      ),
      [1],
    );
  });
});

Deno.test("KV Connect: 15 posts sent back to back with clientIds land once each, in order", async () => {
  await withHearthOnKvConnect(async ({ base }) => {
    const ada = await signUp(base, uniqueName("ada"));
    const room = await createChannel(ada.api, uniqueName("room"));
    const socket = await FrameSocket.open(base, room.id, ada.token);
    try {
      await socket.next("ready");
      // Batched into atomics with a check per clientId: more than 10 at once.
      for (let i = 0; i < 15; i++) {
        socket.send({ type: "message", content: `n${i}`, clientId: `c-${i}` });
      }
      await socket.message(15);
      const listed = await ada.api.get(`/channels/${room.id}/messages`);
      assert.deepEqual(
        listed.body.map((m: { content: string }) => m.content),
        Array.from({ length: 15 }, (_, i) => `n${i}`),
      );
    } finally {
      await socket.close();
    }
  });
});

Deno.test("KV Connect: 120 parallel failed logins from one address get the budget's 401s (or 503s) and 429s after, never a 500", async () => {
  await withHearthOnKvConnect(async ({ base }) => {
    const results = await Promise.all(
      Array.from(
        { length: 120 },
        (_, i) =>
          request(base, "POST", "/auth/login", {
            json: { username: `ghost${i}`, password: "wrong password" },
          }),
      ),
    );
    const statuses = results.map((r) => r.status);
    const count = (status: number) =>
      statuses.filter((s) => s === status).length;
    // 503: the password hashers were busy (that attempt still counted).
    assert.equal(
      count(401) + count(429) + count(503),
      120,
      `statuses ${statuses}`,
    );
    assert.equal(count(429), 120 - LOGIN_FAILURES_PER_ADDRESS.limit);
  });
});

Deno.test("KV Connect: a bot's outgoing webhook is delivered, and retried after a 500, with no KV queue", async () => {
  const bodies: string[] = [];
  let failures = 1;
  await using receiver = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (req) => {
      bodies.push(await req.text());
      return new Response(null, { status: failures-- > 0 ? 500 : 204 });
    },
  );
  await withHearthOnKvConnect(async ({ base }) => {
    const admin = await signUp(base, uniqueName("admin"));
    const made = await admin.api.post("/bots", { username: uniqueName("bot") });
    assert.equal(made.status, 201);
    const bot = made.body.bot;
    const room = await createChannel(admin.api, uniqueName("room"));
    const added = await admin.api.post(`/channels/${room.id}/members`, {
      username: bot.username,
    });
    assert.equal(added.status, 201);
    const hooked = await admin.api.send("PATCH", `/bots/${bot.id}`, {
      json: { webhookUrl: `http://127.0.0.1:${receiver.addr.port}/hook` },
    });
    assert.equal(hooked.status, 200);
    await postMessage(admin.api, room.id, `hello @${bot.username}`);
    await waitFor(() => bodies.length === 2, {
      what: "a failed attempt and its retry",
    });
    assert.equal(bodies[0], bodies[1]);
    assert.equal(JSON.parse(bodies[1]).reason, "mention");
    // The log says so once the attempt is recorded.
    await waitFor(async () => {
      const log = await admin.api.get(`/bots/${bot.id}/deliveries`);
      return log.body[0]?.status === "delivered";
    }, { what: "the delivery logged as delivered" });
  }, { webhookAllowPrivate: true, webhookRetryDelaysMs: [50] });
});

Deno.test("KV Connect: with the database server gone, /healthz answers 503 within its deadline, and SIGTERM still stops the process", async () => {
  const kvConnect = await startKvConnectServer();
  const hearth = await spawnKvConnectHearth(kvConnect, "kv");
  try {
    const up = await fetch(`${hearth.base}/healthz`);
    assert.equal(up.status, 200);
    await up.body?.cancel();
    await kvConnect.close();
    // The KV Connect client retries an unreachable server for ever.
    const down = await withDeadline(
      fetch(`${hearth.base}/healthz`),
      HEALTH_DEADLINE_MS + 5000,
      "/healthz with the database gone",
    );
    assert.equal(down.status, 503);
    assert.equal((await down.json()).code, "database_unavailable");
  } finally {
    await kvConnect.close();
    const status = await hearth.stop("SIGTERM");
    assert.equal(status.code, 0, hearth.output().slice(-20).join("\n"));
  }
});

/** Runs `main.ts <args>` with the access token set; stdin from `input`. */
async function hearthCommand(
  args: string[],
  token: string,
  input?: Uint8Array,
): Promise<{ code: number; stdout: Uint8Array; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    cwd: new URL("../", import.meta.url),
    env: { DENO_KV_ACCESS_TOKEN: token, NO_COLOR: "1" },
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(input);
    await writer.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: out.stdout,
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("KV Connect: hearth export and import take the URL as --db, and the copy exports the same", async () => {
  const target = await startKvConnectServer();
  try {
    let exported!: Awaited<ReturnType<typeof hearthCommand>>;
    await withHearthOnKvConnect(async ({ base }, source) => {
      const ada = await signUp(base, uniqueName("ada"));
      const room = await createChannel(ada.api, uniqueName("room"));
      for (let i = 0; i < 3; i++) {
        await postMessage(ada.api, room.id, `kept ${i}`);
      }
      exported = await hearthCommand(
        ["export", "--db", source.url],
        source.token,
      );
    });
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /3 messages/);
    const imported = await hearthCommand(
      ["import", "--db", target.url],
      target.token,
      exported.stdout,
    );
    assert.equal(imported.code, 0, imported.stderr);
    const again = await hearthCommand(
      ["export", "--db", target.url],
      target.token,
    );
    assert.equal(again.code, 0, again.stderr);
    // The same rows, apart from the header and trailer (times, digest).
    const rows = (bytes: Uint8Array) =>
      new TextDecoder().decode(bytes).trim().split("\n").slice(1, -1);
    assert.deepEqual(rows(again.stdout), rows(exported.stdout));
  } finally {
    await target.close();
  }
});

Deno.test("KV Connect: after a kill -9 mid-posting, a new process on the database has every acknowledged message and goes on from the next seq", async () => {
  const kvConnect = await startKvConnectServer();
  try {
    const first = await spawnKvConnectHearth(kvConnect, "off");
    const acked: number[] = [];
    let ada, room;
    try {
      ada = await signUp(first.base, uniqueName("ada"));
      room = await createChannel(ada.api, uniqueName("room"));
      const api = ada.api, id = room.id;
      const posting = (async () => {
        for (let i = 0; i < 500; i++) {
          acked.push((await postMessage(api, id, `m${i}`)).seq);
        }
      })().catch(() => {}); // The kill cuts the last one off.
      await waitFor(() => acked.length >= 10, {
        what: "10 posts acknowledged",
      });
      first.child.kill("SIGKILL");
      await posting;
    } finally {
      // Gone already after the kill; killed here if the test failed before it.
      await first.stop("SIGKILL");
    }

    const second = await spawnKvConnectHearth(kvConnect, "off");
    try {
      const api = new Api(second.base, ada.token);
      const listed = await api.get(`/channels/${room.id}/messages?limit=100`);
      assert.equal(listed.status, 200);
      const seqs: number[] = listed.body.map((m: { seq: number }) => m.seq);
      for (const seq of acked) assert.ok(seqs.includes(seq), `lost ${seq}`);
      // No gap: an unacknowledged post either landed whole or not at all.
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
      const next = await postMessage(api, room.id, "after the kill");
      assert.equal(next.seq, seqs.length + 1);
    } finally {
      await second.stop();
    }
  } finally {
    await kvConnect.close();
  }
});

Deno.test({
  name:
    "KV Connect over https: a hearth process trusts the server's private CA through DENO_CERT, and does not start without it",
  ignore: !hasOpenssl(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "hearth-kv-connect-tls-" });
    try {
      const tls = await makeTestTls(dir);
      const kvConnect = await startKvConnectServer({
        tls: { cert: tls.cert, key: tls.key },
      });
      try {
        assert.match(kvConnect.url, /^https:/);
        await assert.rejects(
          spawnKvConnectHearth(kvConnect, "off"),
          /invalid peer certificate: UnknownIssuer/,
        );
        const hearth = await spawnKvConnectHearth(kvConnect, "off", [], {
          DENO_CERT: tls.caFile,
        });
        try {
          const ada = await signUp(hearth.base, uniqueName("ada"));
          const room = await createChannel(ada.api, uniqueName("room"));
          const posted = await postMessage(ada.api, room.id, "over https");
          assert.equal(posted.seq, 1);
        } finally {
          await hearth.stop();
        }
      } finally {
        await kvConnect.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
