/**
 * What a connect storm costs in KV writes for online-across-instances: two
 * instances (a hub with the KV relay, presence and its peers each) on two
 * handles of one database file; N users come online on a (as their first
 * sockets there would make them), all at once or spread over `--spread-ms`;
 * the run ends when b counts all of them online. Reports a's KV commits and
 * the bytes they set (change batches through the relay's control stream and
 * a's online record), b's reads, and how long b took. Then, for
 * `--steady-s` seconds, one user leaves and another comes every 200 ms (10
 * changes a second) with all the others still online, and the same is
 * counted for that stretch.
 *
 *   deno run -A bench/online_storm.ts [--users 10000] [--spread-ms 0]
 *     [--steady-s 20] [--repeat 3]
 */
import { parseArgs } from "node:util";
import { Hub } from "../lib/realtime/hub.ts";
import { OnlinePeers } from "../lib/realtime/online_peers.ts";
import { Presence } from "../lib/realtime/presence.ts";
import { loadAverage } from "./_hearth.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    users: { type: "string", default: "10000" },
    "spread-ms": { type: "string", default: "0" },
    repeat: { type: "string", default: "3" },
    "steady-s": { type: "string", default: "20" },
  },
});
const USERS = Number(values.users);
const SPREAD_MS = Number(values["spread-ms"]);
const STEADY_S = Number(values["steady-s"]);

interface Counts {
  commits: number;
  sets: number;
  setBytes: number;
  reads: number;
}

// A handle that counts its commits, the bytes they set, and its reads.
function counted(kv: Deno.Kv, counts: Counts): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          const proxy: Deno.AtomicOperation = new Proxy(op, {
            get(o, p) {
              if (p === "set") {
                counts.sets++;
              }
              if (p === "commit") counts.commits++;
              const v = Reflect.get(o, p);
              if (typeof v !== "function") return v;
              return (...args: unknown[]) => {
                if (p === "set") {
                  counts.setBytes += JSON.stringify(args[1]).length;
                }
                const out = v.apply(o, args);
                // Chained calls go on through the proxy.
                return out === o ? proxy : out;
              };
            },
          });
          return proxy;
        };
      }
      if (prop === "get" || prop === "getMany" || prop === "list") {
        counts.reads++;
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

async function run(): Promise<void> {
  const path = await Deno.makeTempFile({ suffix: ".db" });
  const [rawA, rawB] = [await Deno.openKv(path), await Deno.openKv(path)];
  const a: Counts = { commits: 0, sets: 0, setBytes: 0, reads: 0 };
  const b: Counts = { commits: 0, sets: 0, setBytes: 0, reads: 0 };
  const [kvA, kvB] = [counted(rawA, a), counted(rawB, b)];
  const hubA = new Hub({ kvRelay: kvA });
  const hubB = new Hub({ kvRelay: kvB });
  const presenceA = new Presence({ settleMs: 1000 });
  const presenceB = new Presence({ settleMs: 1000 });
  let seen = 0;
  presenceB.onChange((_, online) => online && seen++);
  const peersA = new OnlinePeers(hubA, presenceA, { kv: kvA });
  const peersB = new OnlinePeers(hubB, presenceB, { kv: kvB });
  // Past the first beats, so the storm's writes are counted alone.
  await Promise.all([peersA.beaten(), peersB.beaten()]);
  const base = { ...a };
  const started = performance.now();
  const ids = Array.from({ length: USERS }, () => crypto.randomUUID());
  const step = Math.max(1, Math.ceil(USERS / Math.max(1, SPREAD_MS / 10)));
  for (let i = 0; i < USERS; i += step) {
    for (const id of ids.slice(i, i + step)) presenceA.connect(id);
    if (SPREAD_MS > 0) await new Promise((r) => setTimeout(r, 10));
  }
  const deadline = started + 120_000;
  while (seen < USERS && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const tookMs = Math.round(performance.now() - started);
  await hubA.relaySettled();
  const storm = { ...a };
  const steadyStart = performance.now();
  let next = 0;
  while (performance.now() - steadyStart < STEADY_S * 1000) {
    presenceA.disconnect(ids[next++]);
    const id = crypto.randomUUID();
    ids.push(id);
    presenceA.connect(id);
    await new Promise((r) => setTimeout(r, 200));
  }
  await hubA.relaySettled();
  await peersA.beaten();
  const steadyS = (performance.now() - steadyStart) / 1000;
  console.log(JSON.stringify({
    users: USERS,
    spreadMs: SPREAD_MS,
    bSawAll: seen >= USERS,
    tookMs,
    aCommits: storm.commits - base.commits,
    aSets: storm.sets - base.sets,
    aSetKB: Math.round((storm.setBytes - base.setBytes) / 1024),
    steadyS: Math.round(steadyS),
    steadyCommitsPerS: +((a.commits - storm.commits) / steadyS).toFixed(1),
    steadySetKBPerS: +((a.setBytes - storm.setBytes) / 1024 / steadyS)
      .toFixed(1),
    bReads: b.reads,
    load: await loadAverage(),
  }));
  for (const p of [presenceA, presenceB]) p.close();
  await Promise.all([peersA.close(), peersB.close()]);
  await Promise.all([hubA.relaySettled(), hubB.relaySettled()]);
  hubA.close();
  hubB.close();
  rawA.close();
  rawB.close();
  await Deno.remove(path);
}

for (let i = 0; i < Number(values.repeat); i++) await run();
