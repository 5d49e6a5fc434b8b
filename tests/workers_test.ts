/**
 * `--workers 2` as a real subprocess (`deno run -A main.ts`): sockets land on
 * both workers, and every socket gets every message posted through either
 * worker once and in order; a sign-out on one worker closes sockets on the
 * other; per-user and per-address caps hold for the process, not per worker;
 * SIGTERM closes every socket with 1001 and exits 0.
 */
import assert from "node:assert/strict";
import { type Account, FrameSocket, signUp } from "./helpers/api.ts";
import { sleep, waitFor, withDeadline } from "./helpers/deadline.ts";
import type { Spawned } from "./helpers/process.ts";
import {
  clientRequest,
  clientsOnEachWorker,
  freshRequest,
  healthOfEach,
  spawnWorkers,
  type WorkerHealth,
} from "./helpers/workers.ts";

/** Runs `body` against `main.ts --workers 2`; always stops it and removes its files. */
async function withWorkers(
  body: (hearth: Spawned) => Promise<void>,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hearth-workers-" });
  const hearth = await spawnWorkers(dir, 2, args, env);
  try {
    await body(hearth);
  } catch (error) {
    console.error(hearth.output().slice(-40).join("\n"));
    throw error;
  } finally {
    await hearth.stop().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Opens sockets for `accounts` in turn (each a new connection) until both
 * workers hold at least one, at most `max`; answers them.
 */
async function socketsOnBothWorkers(
  base: string,
  channelId: string,
  accounts: Account[],
  opened: FrameSocket[] = [],
  max = 24,
): Promise<FrameSocket[]> {
  const sockets = opened;
  let health: WorkerHealth[] = [];
  while (sockets.length < max) {
    for (let i = 0; i < 4; i++) {
      const who = accounts[sockets.length % accounts.length];
      sockets.push(await FrameSocket.open(base, channelId, who.token));
    }
    // The count goes up as the upgrade completes; let it settle first.
    health = await waitFor(async () => {
      const each = await healthOfEach(base, 2);
      const total = each.reduce((sum, h) => sum + h.sockets, 0);
      return total === sockets.length ? each : null;
    }, { what: `${sockets.length} sockets counted by the workers` });
    if (health.every((h) => h.sockets > 0)) return sockets;
  }
  throw new Error(`All ${max} sockets landed on one worker: ${health}`);
}

Deno.test("--workers 2: every socket on either worker gets every message posted through both, once and in order; SIGTERM closes them with 1001", async () => {
  await withWorkers(async (hearth) => {
    const base = hearth.base;
    const alice = await signUp(base);
    const bob = await signUp(base);
    const created = await freshRequest(base, "POST", "/channels", {
      token: alice.token,
      json: { name: "both-workers" },
    });
    assert.deepEqual(created.status, 201);
    const channelId: string = created.body.id;
    const joined = await freshRequest(
      base,
      "POST",
      `/channels/${channelId}/join`,
      { token: bob.token },
    );
    assert.deepEqual(joined.status, 200);
    const sockets = await socketsOnBothWorkers(base, channelId, [alice, bob]);
    for (const socket of sockets) await socket.next("ready");

    // Frames from every socket (so from both workers) and HTTP posts on new
    // connections (either worker), all at once into the one channel.
    const PER_SOCKET = 3;
    const HTTP_POSTS = 10;
    const posts: Promise<unknown>[] = [];
    sockets.forEach((socket, i) => {
      for (let k = 0; k < PER_SOCKET; k++) {
        socket.send({
          type: "message",
          content: `frame ${i}.${k}`,
          clientId: crypto.randomUUID(),
        });
      }
    });
    for (let k = 0; k < HTTP_POSTS; k++) {
      posts.push(
        freshRequest(base, "POST", `/channels/${channelId}/messages`, {
          token: k % 2 ? alice.token : bob.token,
          json: { content: `http ${k}` },
        }).then((res) => assert.deepEqual(res.status, 201)),
      );
    }
    await Promise.all(posts);
    const total = sockets.length * PER_SOCKET + HTTP_POSTS;
    for (const [i, socket] of sockets.entries()) {
      await waitFor(() => socket.seqs().length >= total, {
        what: `socket ${i} receiving ${total} messages`,
        timeoutMs: 20_000,
      });
    }
    const first = sockets[0].seqs()[0];
    const expected = Array.from({ length: total }, (_, i) => first + i);
    for (const [i, socket] of sockets.entries()) {
      assert.deepEqual(socket.seqs(), expected, `socket ${i}'s seqs`);
    }

    // Shutdown: every socket, on either worker, hears 1001, and the exit is clean.
    const closes = sockets.map((s) => s.closedWithin(15_000));
    const status = await hearth.stop("SIGTERM");
    for (const closed of await Promise.all(closes)) {
      assert.deepEqual(closed.code, 1001);
    }
    assert.deepEqual(status.code, 0);
    // Each worker's log lines name it.
    const stopped = hearth.output().filter((l) =>
      l.includes('"msg":"worker stopped"')
    ).map((l) => JSON.parse(l).worker).sort();
    assert.deepEqual(stopped, [0, 1], "both workers said they stopped");
  });
});

Deno.test("--workers 2: signing out on one worker closes that token's sockets on both", async () => {
  await withWorkers(async (hearth) => {
    const base = hearth.base;
    const bob = await signUp(base);
    const general = (await freshRequest(base, "GET", "/channels", {
      token: bob.token,
    })).body;
    const channelId: string =
      (Array.isArray(general) ? general : general.channels)[0].id;
    const sockets = await socketsOnBothWorkers(base, channelId, [bob]);
    const out = await freshRequest(base, "POST", "/auth/logout", {
      token: bob.token,
    });
    assert.deepEqual(out.status, 204);
    for (
      const closed of await Promise.all(sockets.map((s) => s.closedWithin()))
    ) {
      assert.deepEqual(closed.code, 1008);
    }
  });
});

Deno.test("--workers 2: the per-user message and socket caps count once for the process", async () => {
  await withWorkers(
    async (hearth) => {
      const base = hearth.base;
      const ada = await signUp(base);
      const created = await freshRequest(base, "POST", "/channels", {
        token: ada.token,
        json: { name: "caps" },
      });
      const channelId: string = created.body.id;
      // 12 posts at once on new connections (both workers): a burst of 5 and
      // one more a second. Per worker, up to 10 would pass.
      const started = performance.now();
      const statuses = await Promise.all(
        Array.from(
          { length: 12 },
          (_, k) =>
            freshRequest(base, "POST", `/channels/${channelId}/messages`, {
              token: ada.token,
              json: { content: `burst ${k}` },
            }).then((res) => res.status),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      const passed = statuses.filter((s) => s === 201).length;
      assert.ok(statuses.every((s) => s === 201 || s === 429), `${statuses}`);
      assert.ok(
        passed >= 5 && passed <= 5 + Math.ceil(seconds),
        `${passed} of 12 posts passed in ${seconds.toFixed(2)} s`,
      );

      // Sockets: at most 3 open at once, over both workers (6 attempts).
      const results = await Promise.allSettled(
        Array.from(
          { length: 6 },
          () => FrameSocket.open(base, channelId, ada.token),
        ),
      );
      const open = results.flatMap((r) =>
        r.status === "fulfilled" ? [r.value] : []
      );
      assert.deepEqual(
        open.length,
        3,
        "sockets open of 6 tried with a cap of 3",
      );
      const health = await healthOfEach(base, 2);
      assert.deepEqual(health.reduce((sum, h) => sum + h.sockets, 0), 3);
      await Promise.all(open.map((s) => s.close()));
    },
    [
      "--user-message-burst",
      "5",
      "--user-messages-per-second",
      "1",
      "--user-sockets",
      "3",
    ],
    { HEARTH_USER_LIMITS: "on" },
  );
});

Deno.test("--workers 2: the per-address connection cap counts once for the process", async () => {
  await withWorkers(
    async (hearth) => {
      const CAP = 4;
      const conns = await Promise.all(
        Array.from(
          { length: 2 * CAP },
          () => Deno.connect({ hostname: "127.0.0.1", port: hearth.port }),
        ),
      );
      try {
        // The main thread's refusals take a round trip: let them land first,
        // so a refused connection is closed before it asks anything.
        await sleep(500);
        // Each asks for /healthz on its own connection; refused ones are closed unanswered.
        const answered = await Promise.all(conns.map(async (conn) => {
          const request = "GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n";
          await conn.write(new TextEncoder().encode(request)).catch(() => 0);
          const buffer = new Uint8Array(4096);
          const n = await withDeadline(
            conn.read(buffer).catch(() => null),
            10_000,
            "an answer or a close",
          );
          return n !== null &&
            new TextDecoder().decode(buffer.subarray(0, n)).startsWith(
              "HTTP/1.1 200",
            );
        }));
        // Each worker's accept-watchdog probe that lands on the other (from
        // 127.0.0.1 too, one at a time per worker) may hold one of the CAP.
        const count = answered.filter(Boolean).length;
        assert.ok(
          count <= CAP && count >= CAP - 2,
          `${count} of ${2 * CAP} connections answered with a cap of ${CAP}`,
        );
      } finally {
        for (const conn of conns) {
          try {
            conn.close();
          } catch {
            // Closed by the server.
          }
        }
      }
    },
    ["--max-conns-per-address", "4"],
  );
});

Deno.test("--workers 2: a message stored by either worker is found by a search on either (the FTS5 index beside the file)", async () => {
  await withWorkers(async (hearth) => {
    const base = hearth.base;
    const ada = await signUp(base);
    const created = await freshRequest(base, "POST", "/channels", {
      token: ada.token,
      json: { name: "findable" },
    });
    const channelId: string = created.body.id;
    const words = Array.from({ length: 6 }, () => `w${crypto.randomUUID()}`);
    for (const word of words) {
      const res = await freshRequest(
        base,
        "POST",
        `/channels/${channelId}/messages`,
        { token: ada.token, json: { content: `find ${word} here` } },
      );
      assert.equal(res.status, 201);
    }
    // The same searches on a connection held by each worker.
    const clients = await clientsOnEachWorker(base, 2);
    try {
      for (const [worker, client] of clients) {
        for (const word of words) {
          const res = await clientRequest(
            client,
            base,
            "GET",
            `/search?q=${encodeURIComponent(word)}`,
            { token: ada.token },
          );
          assert.equal(res.status, 200);
          assert.equal(
            res.body.results.length,
            1,
            `worker ${worker}'s results for ${word}`,
          );
        }
        const again = await clientRequest(client, base, "GET", "/healthz");
        assert.equal(again.body.worker, worker, "the connection stayed");
      }
    } finally {
      for (const client of clients.values()) client.close();
    }
  });
});

Deno.test("--workers 2: who is online is the same on both workers, whichever holds the sockets", async () => {
  await withWorkers(async (hearth) => {
    const base = hearth.base;
    const people = await Promise.all(
      Array.from({ length: 4 }, () => signUp(base)),
    );
    const created = await freshRequest(base, "POST", "/channels", {
      token: people[0].token,
      json: { name: "who-is-here" },
    });
    assert.equal(created.status, 201);
    const channelId: string = created.body.id;
    for (const person of people.slice(1)) {
      const joined = await freshRequest(
        base,
        "POST",
        `/channels/${channelId}/join`,
        { token: person.token },
      );
      assert.equal(joined.status, 200);
    }
    // Everyone connected, some on each worker: each worker alone holds only
    // part of the channel's online people.
    const sockets = await socketsOnBothWorkers(base, channelId, people);
    const clients = await clientsOnEachWorker(base, 2);
    const everyone = people.map((p) => p.id).sort();
    try {
      for (const [worker, client] of clients) {
        const seen = await waitFor(async () => {
          const res = await clientRequest(
            client,
            base,
            "GET",
            `/channels/${channelId}/members?online=true`,
            { token: people[0].token },
          );
          assert.equal(res.status, 200);
          const ids = res.body.members.map((m: { id: string }) => m.id).sort();
          return res.body.onlineCount === everyone.length ? ids : null;
        }, {
          what: `worker ${worker} counting all 4 online`,
          timeoutMs: 10_000,
        });
        assert.deepEqual(seen, everyone, `worker ${worker}'s online members`);
        const again = await clientRequest(client, base, "GET", "/healthz");
        assert.equal(again.body.worker, worker, "the connection stayed");
      }
    } finally {
      for (const client of clients.values()) client.close();
      await Promise.all(sockets.map((socket) => socket.close()));
    }
  });
});
