/**
 * Relay benchmark: what it costs to spread one channel's clients over two
 * Hearth instances that hear each other through a relay, against all of them
 * on one instance. The instances run as workers of this process on one KV
 * file (as the tests run them); the clients and the sender run on its main
 * thread. Modes, each on the same seeded database, one after the other:
 * - one: a single instance, every client and the sender on it (the baseline);
 * - kv: two instances relaying through KV alone (`--relay kv`), half the
 *   clients on each, the sender on the first;
 * - broadcast: the same over BroadcastChannel (`--relay broadcast`);
 * - both: both relays at once (what Deno Deploy runs).
 *
 *   deno run -A bench/relay.ts [--clients 200] [--messages 200] [--window 8]
 *     [--rate 10] [--paced 50] [--repeat 2] [--modes one,kv,broadcast,both]
 *     [--readme]
 *
 * Burst (`repeat` runs, median): the sender keeps `window` messages in flight
 * (the next goes out when its own copy comes back); deliveries/s is clients x
 * messages / (last delivery - first send). Paced: `paced` messages at `rate`
 * per second, for the latency from send to each client's delivery below
 * saturation. The relay's hop is the p50 of the clients on the second
 * instance minus that of the clients on the sender's, in the same run.
 * `--readme` writes the "Relay" section of bench/README.md.
 *
 * `--kv-connect` runs the instances as separate `hearth` processes on a KV
 * Connect database instead (the test server of
 * tests/helpers/kv_connect_server.ts, in a process of its own): "one" is one
 * process, "kv" two with `--relay kv` (a BroadcastChannel does not reach
 * another process, so the other modes are refused). `--readme` then writes
 * the section "Relay over KV Connect".
 */
import { parseArgs } from "node:util";
import { socketUrl } from "../tests/helpers/api.ts";
import {
  type Instance,
  type RelayMode,
  startInstance,
} from "../tests/helpers/instances.ts";
import { spawnScript } from "../tests/helpers/process.ts";
import { KV_CONNECT_READY } from "../tests/helpers/kv_connect_server.ts";
import {
  type KvConnectTarget,
  spawnKvConnectHearth,
} from "../tests/helpers/kv_connect_hearths.ts";
import {
  loadAverage,
  machine,
  percentile,
  randomSecret,
  seed,
  writeReadmeSection,
} from "./_hearth.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "200" },
    messages: { type: "string", default: "200" },
    window: { type: "string", default: "8" },
    rate: { type: "string", default: "10" },
    paced: { type: "string", default: "50" },
    repeat: { type: "string", default: "2" },
    modes: { type: "string", default: "one,kv,broadcast,both" },
    readme: { type: "boolean", default: false },
    "kv-connect": { type: "boolean", default: false },
  },
});
const CLIENTS = Number(values.clients);
const MESSAGES = Number(values.messages);
const WINDOW = Number(values.window);
const RATE = Number(values.rate);
const PACED = Number(values.paced);
const REPEAT = Number(values.repeat);
const KV_CONNECT = values["kv-connect"];
const MODES =
  (KV_CONNECT && values.modes === "one,kv,broadcast,both"
    ? "one,kv"
    : values.modes).split(",") as Mode[];
if (KV_CONNECT && MODES.some((m) => m !== "one" && m !== "kv")) {
  throw new Error("--kv-connect runs the modes one and kv only");
}
const PHASE_TIMEOUT_MS = 60_000;

type Mode = "one" | "kv" | "broadcast" | "both";

interface Result {
  mode: Mode;
  deliveriesPerSecond: number;
  bursts: number[];
  p50: number;
  p99: number;
  /** p50 on the other instance's clients minus p50 on the sender's instance's. */
  hop: number;
  missing: number;
}

// A client socket, counting the bench messages it receives.
interface Client {
  socket: WebSocket;
  onMessage: (content: string) => void;
}

const now = () => performance.now();

function open(url: string, client: Partial<Client>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error("no ready")), 30_000);
    socket.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.type === "error") console.error(JSON.stringify(frame));
      if (frame.type === "ready") {
        clearTimeout(timer);
        resolve({ socket, onMessage: () => {}, ...client } as Client);
      } else if (frame.type === "message") {
        (client as Client).onMessage?.(frame.message.content);
      }
    };
    socket.onerror = () => reject(new Error(`socket to ${url} failed`));
  });
}

// A separate hearth process on the KV Connect database, as an Instance.
async function startProcess(
  target: KvConnectTarget,
  relay: "off" | "kv",
  secret: string,
): Promise<Instance> {
  const spawned = await spawnKvConnectHearth(target, relay, [
    "--secret",
    secret,
  ]);
  return {
    base: spawned.base,
    stop: async () => void await spawned.stop(),
    kill: () => void spawned.stop("SIGKILL").catch(() => {}),
  };
}

// The opening of the README section, for each set-up.
const FILE_INTRO = [
  "## Relay",
  "",
  "`deno run -A bench/relay.ts` (about two minutes). Two Hearth instances as",
  "workers of the bench's process on one KV file, against one instance;",
  "see the header of bench/relay.ts for the method. The KV relay's added",
  "latency is mostly the time `kv.watch` takes to report a write made",
  "through another handle of the file, plus one list of the new messages.",
  "The relay hop is the paced p50 of the clients on the second instance",
  "minus that of the clients on the sender's, measured under the same load.",
  "Two instances are two threads, so on an idle machine they can outrun one;",
  "on a busy one the runs of a mode vary several-fold: read the runs, not",
  "only the median, and re-run on a quiet machine before drawing conclusions.",
];
const KV_CONNECT_INTRO = [
  "## Relay over KV Connect",
  "",
  "`deno run -A bench/relay.ts --kv-connect` (about two minutes). Separate",
  "`hearth` processes on one KV Connect database: the test server of",
  "tests/helpers/kv_connect_server.ts (in memory, in a process of its own;",
  'not `denokv`), "one" a single process, "kv" two with `--relay kv`.',
  "The relay hop is the time from a commit to the other process's watch",
  "waking (an HTTP stream from the server), plus its read of the new",
  "messages over HTTP. Every process, the server and the clients share the",
  "machine's cores: on a busy machine read the runs, not only the median.",
];

// Set when the instances run as processes on a KV Connect database.
let kvConnect: KvConnectTarget | undefined;

async function runMode(
  mode: Mode,
  db: string,
  secret: string,
  tokens: string[],
  channelId: string,
): Promise<Result> {
  const relay = `hearth-bench-${crypto.randomUUID()}`;
  const relayMode: RelayMode = mode === "one" ? "broadcast" : mode;
  const instances: Instance[] = [];
  const count = mode === "one" ? 1 : 2;
  for (let i = 0; i < count; i++) {
    instances.push(
      kvConnect
        ? await startProcess(kvConnect, mode === "one" ? "off" : "kv", secret)
        : await startInstance(db, relay, relayMode, ["--secret", secret]),
    );
  }
  const clients: Client[] = [];
  try {
    // Per client: the contents it got in this phase.
    const got: Map<string, number>[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const base = instances[i % count].base;
      const seen = new Map<string, number>();
      got.push(seen);
      const client: Partial<Client> = {
        onMessage: (content) => {
          if (!seen.has(content)) seen.set(content, now());
        },
      };
      clients.push(
        await open(socketUrl(base, channelId, tokens[i + 1]), client),
      );
    }
    // The sender is user0 on the first instance.
    const echoes = new Map<string, () => void>();
    const sender = await open(
      socketUrl(instances[0].base, channelId, tokens[0]),
      {
        onMessage: (content) => echoes.get(content)?.(),
      },
    );
    let sent = 0;
    const send = (tag: string): { content: string; at: number } => {
      const content = `${tag} ${++sent}`;
      const at = now();
      sender.socket.send(
        JSON.stringify({
          type: "message",
          content,
          clientId: content.replaceAll(" ", "."),
        }),
      );
      return { content, at };
    };
    const echoed = (content: string) =>
      new Promise<void>((resolve) => echoes.set(content, resolve));
    const allGot = async (contents: string[]) => {
      const deadline = now() + PHASE_TIMEOUT_MS;
      while (now() < deadline) {
        if (got.every((seen) => contents.every((c) => seen.has(c)))) return 0;
        await new Promise((r) => setTimeout(r, 20));
      }
      return got.reduce(
        (n, seen) => n + contents.filter((c) => !seen.has(c)).length,
        0,
      );
    };

    // Warm up: a few messages, none measured.
    const warm = [];
    for (let i = 0; i < 10; i++) {
      const { content } = send(`warm-${mode}`);
      await echoed(content);
      warm.push(content);
    }
    let missing = await allGot(warm);

    const bursts: number[] = [];
    for (let r = 0; r < REPEAT; r++) {
      const contents: string[] = [];
      const inFlight = new Set<Promise<void>>();
      let firstAt = 0;
      for (let i = 0; i < MESSAGES; i++) {
        if (inFlight.size >= WINDOW) await Promise.race(inFlight);
        const { content, at } = send(`burst-${mode}-${r}`);
        if (i === 0) firstAt = at;
        contents.push(content);
        const done: Promise<void> = echoed(content).then(() => {
          inFlight.delete(done);
        });
        inFlight.add(done);
      }
      missing += await allGot(contents);
      let lastAt = 0;
      for (const seen of got) {
        for (const c of contents) lastAt = Math.max(lastAt, seen.get(c) ?? 0);
      }
      bursts.push((CLIENTS * MESSAGES) / ((lastAt - firstAt) / 1000));
    }

    // Paced sends keep the window too: Hearth refuses more than 16 frames
    // in flight per socket, and a refused message is never delivered.
    const sends: { content: string; at: number }[] = [];
    const pacedFlight = new Set<Promise<void>>();
    const pacedStart = now();
    for (let i = 0; i < PACED; i++) {
      const wait = pacedStart + (i * 1000) / RATE - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (pacedFlight.size >= WINDOW) await Promise.race(pacedFlight);
      const sent = send(`paced-${mode}`);
      sends.push(sent);
      const done: Promise<void> = echoed(sent.content).then(() => {
        pacedFlight.delete(done);
      });
      pacedFlight.add(done);
    }
    missing += await allGot(sends.map((s) => s.content));
    // Clients on the sender's instance (near) and on the other (far): the
    // relay's hop is the difference, under the same load.
    const latencies: number[] = [];
    const near: number[] = [];
    const far: number[] = [];
    got.forEach((seen, i) => {
      for (const s of sends) {
        const at = seen.get(s.content);
        if (at === undefined) continue;
        latencies.push(at - s.at);
        (i % count === 0 ? near : far).push(at - s.at);
      }
    });
    for (const list of [latencies, near, far]) list.sort((a, b) => a - b);
    sender.socket.close();
    const sorted = [...bursts].sort((a, b) => a - b);
    return {
      mode,
      deliveriesPerSecond: sorted[Math.floor(sorted.length / 2)],
      bursts,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      hop: far.length === 0 ? NaN : percentile(far, 50) - percentile(near, 50),
      missing,
    };
  } finally {
    for (const client of clients) client.socket.close();
    for (const instance of instances) await instance.stop();
  }
}

const dir = await Deno.makeTempDir({ prefix: "hearth-relay-bench-" });
const KV_TOKEN = `bench-${crypto.randomUUID()}`;
const kvServer = KV_CONNECT
  ? await spawnScript("tests/helpers/kv_connect_server.ts", KV_CONNECT_READY, {
    args: ["--token", KV_TOKEN],
  })
  : undefined;
if (kvServer) {
  kvConnect = { url: kvServer.base, token: KV_TOKEN };
  // The seeding below opens the database from this process.
  Deno.env.set("DENO_KV_ACCESS_TOKEN", KV_TOKEN);
}
try {
  const db = kvConnect?.url ?? `${dir}/hearth.db`;
  const secret = randomSecret();
  const seeded = await seed(db, CLIENTS + 1, secret, true);
  const loadBefore = await loadAverage();
  const results: Result[] = [];
  for (const mode of MODES) {
    const result = await runMode(
      mode,
      db,
      secret,
      seeded.tokens,
      seeded.channelId!,
    );
    results.push(result);
    console.log(JSON.stringify(result));
  }
  const loadAfter = await loadAverage();
  const base = results.find((r) => r.mode === "one");
  const rows = results.map((r) =>
    `| ${r.mode} | ${Math.round(r.deliveriesPerSecond)} (${
      r.bursts.map(Math.round).join(", ")
    }) | ${
      base ? (r.deliveriesPerSecond / base.deliveriesPerSecond).toFixed(2) : "-"
    } | ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} | ${
      Number.isNaN(r.hop) ? "-" : r.hop.toFixed(1)
    } | ${r.missing} |`
  );
  const text = [
    ...(KV_CONNECT ? KV_CONNECT_INTRO : FILE_INTRO),
    "",
    `${CLIENTS} clients in one channel (split over two instances except in`,
    `"one"), one sender on the first instance, ${MESSAGES} messages per burst`,
    `with ${WINDOW} in flight (median of ${REPEAT}), then ${PACED} paced at`,
    `${RATE}/s. Run on ${
      new Date().toISOString().slice(0, 10)
    }, ${await machine()};`,
    `${loadBefore} before, ${loadAfter} after.`,
    "",
    "| mode | deliveries/s (runs) | of one | paced p50 / p99 ms | relay hop p50 ms | missing |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
  console.log(text);
  if (values.readme) {
    await writeReadmeSection(
      KV_CONNECT ? "Relay over KV Connect" : "Relay",
      text,
    );
  }
} finally {
  await kvServer?.stop();
  await Deno.remove(dir, { recursive: true });
}
