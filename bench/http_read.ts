/**
 * HTTP read and post benchmark with autocannon: an authenticated
 * `GET /channels/{id}/messages` page of 50 messages from 50 connections, and
 * `POST /channels/{id}/messages` from 10 connections, against a bare
 * `Deno.serve` answering the GET's exact body bytes (and a small JSON answer
 * to the POST), each server its own subprocess. The GET is also run against
 * a bare `node:http` server answering the same bytes (Hearth's listener,
 * without Hearth), so the listener's own share is known; the ratio stays
 * Hearth / bare `Deno.serve`. Prints autocannon's own requests/s and latency
 * figures.
 *
 *   deno run -A bench/http_read.ts [--duration 10] [--repeat 2]
 *     [--connections 50] [--post-connections 10] [--encoding "gzip, deflate, br"]
 *     [--only get|post] [--workers 1,2]
 *     [--profile DIR] [--json]
 *
 * autocannon runs from npm under Node (`npx -y autocannon@8.0.0`), so only the
 * npm registry needs to be reachable. Every request sends the
 * `Accept-Encoding` a browser sends (`--encoding ""` sends none); the bare
 * servers never compress. The phases alternate (bare GET, bare node GET,
 * Hearth GET, bare POST, Hearth POST, repeated) so both servers see the same background load.
 * `--profile DIR` starts Hearth with `--cpu-prof` into DIR (figures are then
 * lower). The load generator and the servers share the machine's CPUs.
 * `--workers 1,2` runs one Hearth per count (`main.ts --workers N`, all on the
 * same database), each in turn after the bare servers in every repeat; its CPU
 * per request counts every thread of its process, and "main" that of its main
 * thread alone (the JavaScript thread that serves, with `--workers 1`).
 */
import { parseArgs } from "node:util";
import {
  type Child,
  cpuSeconds,
  loadAverage,
  machine,
  randomSecret,
  seed,
  spawnHearth,
  spawnServer,
  threadCpuSeconds,
} from "./_hearth.ts";

const AUTOCANNON = "autocannon@8.0.0";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    duration: { type: "string", default: "10" },
    repeat: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    "post-connections": { type: "string", default: "10" },
    encoding: { type: "string", default: "gzip, deflate, br" },
    profile: { type: "string" },
    only: { type: "string" },
    workers: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
  },
});
const DURATION = Number(values.duration);
const REPEAT = Number(values.repeat);
const GET_CONNECTIONS = Number(values.connections);
const POST_CONNECTIONS = Number(values["post-connections"]);
const PAGE = 50;
const WORKERS = values.workers.split(",").map((n) => Number(n.trim()));
if (WORKERS.some((n) => !Number.isInteger(n) || n < 1)) {
  throw new Error(`--workers takes counts such as 1,2, got ${values.workers}`);
}

/** autocannon's own summary of one run. */
interface Run {
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  non2xx: number;
  errors: number;
}

async function autocannon(
  url: string,
  connections: number,
  options: { method?: string; headers: Record<string, string>; body?: string },
): Promise<Run> {
  const args = [
    "-y",
    AUTOCANNON,
    "--json",
    "-c",
    String(connections),
    "-d",
    String(DURATION),
    "-m",
    options.method ?? "GET",
  ];
  for (const [name, value] of Object.entries(options.headers)) {
    args.push("-H", `${name}=${value}`);
  }
  if (options.body !== undefined) args.push("-b", options.body);
  args.push(url);
  const out = await new Deno.Command("npx", {
    args,
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!out.success) throw new Error(`autocannon failed on ${url}`);
  const report = JSON.parse(new TextDecoder().decode(out.stdout));
  return {
    rps: report.requests.average,
    p50: report.latency.p50,
    p99: report.latency.p99,
    mean: report.latency.average,
    non2xx: report.non2xx,
    errors: report.errors,
  };
}

const dir = await Deno.makeTempDir({ prefix: "hearth-http-read-" });
const secret = randomSecret();
const db = `${dir}/hearth.db`;
const seeded = await seed(db, POST_CONNECTIONS + 1, secret, true);
const channelId = seeded.channelId!;
const token = seeded.tokens[0];

// One Hearth per worker count, started one after another (the first creates the rows).
const hearths: Child[] = [];
for (const n of WORKERS) {
  hearths.push(
    await spawnHearth(
      db,
      secret,
      values.profile ? ["--cpu-prof", `--cpu-prof-dir=${values.profile}`] : [],
      undefined,
      ["--workers", String(n)],
    ),
  );
}
const hearth = hearths[0];
let bare: Child | null = null;
let bareNode: Child | null = null;
try {
  const auth = { authorization: `Bearer ${token}` };
  const json = { "content-type": "application/json" };
  const encoding: Record<string, string> = values.encoding
    ? { "accept-encoding": values.encoding }
    : {};
  // A page of 50 messages of a typical length, posted through the API.
  for (let i = 0; i < PAGE; i++) {
    const res = await fetch(`${hearth.base}/channels/${channelId}/messages`, {
      method: "POST",
      headers: { ...auth, ...json },
      body: JSON.stringify({
        content: `message ${i}: ` +
          "the quick brown fox jumps over the lazy dog; ".repeat(2),
      }),
    });
    if (res.status !== 201) throw new Error(`seed post: ${res.status}`);
    await res.body?.cancel();
  }
  const pageUrl = `${hearth.base}/channels/${channelId}/messages?limit=${PAGE}`;
  const page = new Uint8Array(
    await (await fetch(pageUrl, { headers: auth })).arrayBuffer(),
  );
  await Deno.writeFile(`${dir}/page.json`, page);
  bare = await spawnServer("bench/bare_http_server.ts", [`${dir}/page.json`]);
  bareNode = await spawnServer("bench/bare_node_server.ts", [
    `${dir}/page.json`,
  ]);

  const postBody = JSON.stringify({ content: "hello from autocannon" });
  // Hearth's runs and CPU per request, by worker count.
  const byCount = () =>
    Object.fromEntries(WORKERS.map((n) => [String(n), [] as never[]]));
  const rows: Record<
    string,
    {
      bare: Run[];
      node: Run[];
      hearth: Record<string, Run[]>;
      cpu: Record<string, number[]>;
      mainCpu: Record<string, number[]>;
      nodeCpu: number[];
    }
  > = {
    get: {
      bare: [],
      node: [],
      hearth: byCount(),
      cpu: byCount(),
      mainCpu: byCount(),
      nodeCpu: [],
    },
    post: {
      bare: [],
      node: [],
      hearth: byCount(),
      cpu: byCount(),
      mainCpu: byCount(),
      nodeCpu: [],
    },
  };
  for (let r = 0; r < REPEAT; r++) {
    if (values.only !== "post") {
      rows.get.bare.push(
        await autocannon(`${bare.base}/page`, GET_CONNECTIONS, {
          headers: { ...auth, ...encoding },
        }),
      );
      const nodeCpu = cpuSeconds(bareNode.pid);
      const node = await autocannon(`${bareNode.base}/page`, GET_CONNECTIONS, {
        headers: { ...auth, ...encoding },
      });
      rows.get.node.push(node);
      rows.get.nodeCpu.push(
        (cpuSeconds(bareNode.pid) - nodeCpu) / (node.rps * DURATION) * 1000,
      );
      for (const [i, server] of hearths.entries()) {
        const n = String(WORKERS[i]);
        const cpu = cpuSeconds(server.pid);
        const main = mainCpuSeconds(server.pid);
        const get = await autocannon(
          `${server.base}/channels/${channelId}/messages?limit=${PAGE}`,
          GET_CONNECTIONS,
          { headers: { ...auth, ...encoding } },
        );
        rows.get.hearth[n].push(get);
        rows.get.cpu[n].push(
          (cpuSeconds(server.pid) - cpu) / (get.rps * DURATION) * 1000,
        );
        rows.get.mainCpu[n].push(
          (mainCpuSeconds(server.pid) - main) / (get.rps * DURATION) * 1000,
        );
      }
    }
    if (values.only === "get") continue;
    rows.post.bare.push(
      await autocannon(`${bare.base}/post`, POST_CONNECTIONS, {
        method: "POST",
        headers: { ...auth, ...json, ...encoding },
        body: postBody,
      }),
    );
    for (const [i, server] of hearths.entries()) {
      const n = String(WORKERS[i]);
      const cpu = cpuSeconds(server.pid);
      const main = mainCpuSeconds(server.pid);
      const post = await autocannon(
        `${server.base}/channels/${channelId}/messages`,
        POST_CONNECTIONS,
        {
          method: "POST",
          headers: { ...auth, ...json, ...encoding },
          body: postBody,
        },
      );
      rows.post.hearth[n].push(post);
      rows.post.cpu[n].push(
        (cpuSeconds(server.pid) - cpu) / (post.rps * DURATION) * 1000,
      );
      rows.post.mainCpu[n].push(
        (mainCpuSeconds(server.pid) - main) / (post.rps * DURATION) * 1000,
      );
    }
  }
  const summary = {
    machine: await machine(),
    load: await loadAverage(),
    date: new Date().toISOString(),
    pageBytes: page.byteLength,
    durationSeconds: DURATION,
    workers: WORKERS,
    rows,
  };
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log(
      `${summary.date} ${summary.machine}\n${summary.load}; page ${page.byteLength} bytes, ` +
        `${DURATION} s per run, accept-encoding "${values.encoding}"`,
    );
    for (const [name, row] of Object.entries(rows)) {
      const connections = name === "get" ? GET_CONNECTIONS : POST_CONNECTIONS;
      for (let r = 0; r < row.bare.length; r++) {
        const b = row.bare[r];
        const n = row.node[r];
        const hearthParts = WORKERS.map((count) => {
          const h = row.hearth[String(count)][r];
          return `hearth --workers ${count} ${fmt(h)} | ` +
            `ratio ${(h.rps / b.rps).toFixed(3)}, CPU ${
              row.cpu[String(count)][r].toFixed(3)
            } ms/request (main ${row.mainCpu[String(count)][r].toFixed(3)})`;
        });
        console.log(
          `${name.toUpperCase()} x${connections} run ${r + 1}: ` +
            `bare ${fmt(b)} | ` +
            (n
              ? `bare node:http ${fmt(n)} (${(n.rps / b.rps).toFixed(3)}, ` +
                `CPU ${row.nodeCpu[r].toFixed(3)} ms/request) | `
              : "") +
            hearthParts.join(" | "),
        );
      }
    }
  }
} finally {
  await bare?.stop();
  await bareNode?.stop();
  for (const server of hearths) await server.stop();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}

// The CPU seconds of the server's main thread alone.
function mainCpuSeconds(pid: number): number {
  return threadCpuSeconds(pid).get("main") ?? 0;
}

function fmt(run: Run): string {
  return `${Math.round(run.rps)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms` +
    (run.non2xx || run.errors
      ? ` (${run.non2xx} non-2xx, ${run.errors} errors)`
      : "");
}
