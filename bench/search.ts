/**
 * Search benchmark, in one process on KV files: search latency (p50/p95)
 * through both engines (the FTS5 index in SQLite and the KV n-gram index)
 * next to a full scan of the same messages in the same run, each index's size
 * on disk, how fast it builds, and the write path's messages per second with
 * each engine's follower running against without.
 *
 *   deno run -A bench/search.ts [--messages 100000] [--channels 10]
 *     [--writes 20000] [--repeat 20] [--scan-repeat N] [--engines kv,sqlite]
 *     [--follow-delay MS] [--json]
 *
 * The messages are synthetic chat lines (6 to 14 words from a 3,000-word
 * vocabulary of random words with English letter frequencies, skewed so a few
 * words are common, one in ten with a CJK phrase); every query is searched in
 * every channel with a page of 20, as GET /search does for someone in all
 * of them. The full scan reads each channel newest first, 200 at a time,
 * until it has 20 matches or reaches the start (`--scan-repeat` times, which
 * at 1,000,000 messages takes seconds a query). The searched messages are
 * seeded straight into KV through the message writer's batch commit, as many
 * posts per atomic as KV takes (`--writes 0` skips the write path).
 */
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { createChannel } from "../lib/db/channels.ts";
import {
  createMessage,
  draftMessage,
  listMessages,
} from "../lib/db/messages.ts";
import { commitBatch } from "../lib/db/_message_batch.ts";
import type { Change } from "../lib/db/_message_changes.ts";
import { searchChannel } from "../lib/db/search.ts";
import { followChanges, type SearchIndex } from "../lib/db/search_backend.ts";
import { kvSearchIndex } from "../lib/db/search_kv.ts";
import {
  openSqliteSearchIndex,
  sqliteIndexPath,
} from "../lib/db/search_sqlite.ts";
import { createUser, type User } from "../lib/db/users.ts";
import { searchText } from "../lib/shared/search_text.ts";
import { loadAverage, machine, percentile } from "./_hearth.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    messages: { type: "string", default: "100000" },
    channels: { type: "string", default: "10" },
    writes: { type: "string", default: "20000" },
    repeat: { type: "string", default: "20" },
    "scan-repeat": { type: "string" },
    engines: { type: "string", default: "kv,sqlite" },
    // The follower's wait after a commit; the server's default when absent.
    "follow-delay": { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const MESSAGES = Number(values.messages);
const CHANNELS = Number(values.channels);
const WRITES = Number(values.writes);
const REPEAT = Number(values.repeat);
const SCAN_REPEAT = Number(values["scan-repeat"] ?? REPEAT);
const ENGINES = new Set(values.engines.split(","));
const PAGE = 20;

// A deterministic generator, so every run searches the same text.
let state = 42;
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
// Letters about as often as in English text.
const LETTERS =
  "eeeeeeeeeeeettttttttttaaaaaaaaooooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrddddlllluuucccmmmwwffggyyppbbvkjxqz";
const WORDS = Array.from({ length: 3000 }, () => {
  let w = "";
  for (let n = 2 + Math.floor(random() * 7); n > 0; n--) {
    w += LETTERS[Math.floor(random() * LETTERS.length)];
  }
  return w;
});
const CJK = ["東京で会議", "新しい計画", "明日の予定", "週末の旅行"];
function line(): string {
  const words = Array.from(
    { length: 6 + Math.floor(random() * 9) },
    // Skewed: low word indexes are common, high ones rare.
    () => WORDS[Math.floor(WORDS.length * random() ** 3)],
  );
  if (random() < 0.1) words.push(CJK[Math.floor(random() * CJK.length)]);
  return words.join(" ");
}

interface Dataset {
  kv: Deno.Kv;
  path: string;
  channelIds: string[];
  user: User;
}

async function open(dir: string, name: string): Promise<Dataset> {
  const path = `${dir}/${name}.db`;
  const kv = await Deno.openKv(path);
  const user = await createUser(kv, {
    username: "bench",
    passwordHash: "$2b$10$not-a-real-hash",
  });
  const channelIds: string[] = [];
  for (let c = 0; c < CHANNELS; c++) {
    channelIds.push((await createChannel(kv, user.id, { name: `c${c}` })).id);
  }
  return { kv, path, channelIds, user };
}

// Writes `count` messages, 64 in flight per channel (the writer's batch).
async function write(data: Dataset, count: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(data.channelIds.map(async (channelId) => {
    const inFlight = new Set<Promise<unknown>>();
    while (next < count) {
      next++;
      const p: Promise<unknown> = createMessage(data.kv, {
        channelId,
        author: data.user,
        content: line(),
      }).then(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }));
  return count / ((performance.now() - started) / 1000);
}

// Seeds `count` posts straight into KV: each channel's posts go through the
// writer's batch commit as many to an atomic as KV's limits allow (the
// server's queue takes 64), one channel after another's batch.
async function seed(data: Dataset, count: number): Promise<void> {
  const per = Math.ceil(count / data.channelIds.length);
  let left = count;
  await Promise.all(data.channelIds.map(async (channelId) => {
    let mine = Math.min(per, left);
    left -= mine;
    let queued: Change[] = [];
    while (mine > 0) {
      while (queued.length < Math.min(mine, 1000)) {
        queued.push({
          kind: "post",
          draft: draftMessage({
            channelId,
            author: data.user,
            content: line(),
          }),
        });
      }
      const taken = (await commitBatch(data.kv, channelId, queued)).length;
      queued = queued.slice(taken);
      mine -= taken;
    }
  }));
}

async function indexed(
  data: Dataset,
  index: SearchIndex,
  q: string,
): Promise<number> {
  const text = searchText(q);
  const found = await Promise.all(
    data.channelIds.map((channelId) =>
      searchChannel(data.kv, index, channelId, {
        text,
        limit: PAGE,
        accept: () => true,
      })
    ),
  );
  return found.flat().length;
}

async function scanned(data: Dataset, q: string): Promise<number> {
  const text = searchText(q);
  const found = await Promise.all(data.channelIds.map(async (channelId) => {
    let hits = 0;
    let before: number | undefined;
    while (hits < PAGE) {
      const page = await listMessages(data.kv, channelId, {
        before,
        limit: 200,
      });
      for (let i = page.length - 1; i >= 0 && hits < PAGE; i--) {
        if (searchText(page[i].content).includes(text)) hits++;
      }
      if (page.length < 200) break;
      before = page[0].seq;
    }
    return hits;
  }));
  return found.reduce((a, b) => a + b, 0);
}

async function timed(fn: () => Promise<number>, repeat = REPEAT) {
  const ms: number[] = [];
  let hits = 0;
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    hits = await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { hits, p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

// CPU seconds (user and system) of this process since `from`.
function cpuSeconds(from: { user: number; system: number }): number {
  const { user, system } = cpuUsage(from);
  return (user + system) / 1e6;
}

const fileSize = async (path: string) => {
  let bytes = 0;
  for (const suffix of ["", "-wal"]) {
    bytes += await Deno.stat(path + suffix).then((s) => s.size, () => 0);
  }
  return bytes;
};

const dir = await Deno.makeTempDir({ prefix: "hearth-search-bench-" });
const log = async (text: string) =>
  console.error(
    `${new Date().toISOString().slice(11, 19)} ${text}; ${await loadAverage()}`,
  );
try {
  console.error(`${await machine()}; load ${await loadAverage()}`);
  // The write path, without and with each engine's follower keeping its index.
  const delay = values["follow-delay"];
  const followedWrite = async (engine: "kv" | "sqlite") => {
    const followed = await open(dir, `followed-${engine}`);
    const index = engine === "kv"
      ? kvSearchIndex(followed.kv)
      : await openSqliteSearchIndex(
        followed.kv,
        sqliteIndexPath(followed.path),
      );
    const stop = followChanges(
      followed.kv,
      index,
      delay === undefined ? undefined : Number(delay),
    );
    const perSecond = await write(followed, WRITES);
    const t = performance.now();
    await stop();
    // Catches up whatever the follower had not reached when the writes ended.
    for (const channelId of followed.channelIds) {
      await index.catchUp(channelId);
    }
    const catchUpSeconds = (performance.now() - t) / 1000;
    index.close();
    followed.kv.close();
    return { perSecond, catchUpSeconds };
  };
  let writePerSecond = {};
  const followerCatchUpSeconds: Record<string, number> = {};
  if (WRITES > 0) {
    const bare = await open(dir, "bare");
    const withoutIndex = await write(bare, WRITES);
    bare.kv.close();
    writePerSecond = { withoutIndex };
    let summary = `write: ${withoutIndex.toFixed(0)} msg/s without a follower`;
    for (const engine of ["kv", "sqlite"] as const) {
      if (!ENGINES.has(engine)) continue;
      const { perSecond, catchUpSeconds } = await followedWrite(engine);
      writePerSecond = { ...writePerSecond, [engine]: perSecond };
      followerCatchUpSeconds[engine] = catchUpSeconds;
      summary += `, ${
        perSecond.toFixed(0)
      } with the ${engine} follower (catch-up ${catchUpSeconds.toFixed(1)} s)`;
    }
    await log(summary);
  }

  const data = await open(dir, "data");
  let t0 = performance.now();
  await seed(data, MESSAGES);
  const seedSeconds = (performance.now() - t0) / 1000;
  data.kv.close();
  const before = await fileSize(data.path);
  await log(
    `${MESSAGES} messages seeded in ${seedSeconds.toFixed(0)} s, db ${
      (before / 2 ** 20).toFixed(0)
    } MiB`,
  );
  const buildSeconds: Record<string, number> = {};
  // The process's CPU time too: on a busy machine the wall time is mostly waiting.
  const buildCpuSeconds: Record<string, number> = {};
  const indexBytes: Record<string, number> = {};
  const indexes: [string, SearchIndex][] = [];
  data.kv = await Deno.openKv(data.path);
  if (ENGINES.has("kv")) {
    t0 = performance.now();
    const cpu = cpuUsage();
    await kvSearchIndex(data.kv).rebuild();
    buildSeconds.kv = (performance.now() - t0) / 1000;
    buildCpuSeconds.kv = cpuSeconds(cpu);
    data.kv.close();
    indexBytes.kv = (await fileSize(data.path)) - before;
    data.kv = await Deno.openKv(data.path);
    indexes.push(["KV index", kvSearchIndex(data.kv)]);
    await log(
      `KV index built in ${buildSeconds.kv.toFixed(0)} s (CPU ${
        buildCpuSeconds.kv.toFixed(0)
      } s), +${(indexBytes.kv / 2 ** 20).toFixed(0)} MiB in the KV file`,
    );
  }
  if (ENGINES.has("sqlite")) {
    const ftsPath = sqliteIndexPath(data.path);
    const fts = await openSqliteSearchIndex(data.kv, ftsPath);
    t0 = performance.now();
    const cpu = cpuUsage();
    await fts.rebuild();
    buildSeconds.sqlite = (performance.now() - t0) / 1000;
    buildCpuSeconds.sqlite = cpuSeconds(cpu);
    fts.close();
    indexBytes.sqlite = await fileSize(ftsPath);
    indexes.unshift(["FTS5", await openSqliteSearchIndex(data.kv, ftsPath)]);
    await log(
      `FTS5 index built in ${buildSeconds.sqlite.toFixed(0)} s (CPU ${
        buildCpuSeconds.sqlite.toFixed(0)
      } s), ${(indexBytes.sqlite / 2 ** 20).toFixed(0)} MiB`,
    );
  }

  const queries: [string, string][] = [
    ["common word", WORDS.find((w) => w.length >= 4)!],
    ["rare word", WORDS.slice(2900).find((w) => w.length >= 5)!],
    ["two characters", "th"],
    ["CJK substring", "会議"],
    ["two words", `${WORDS[5]} ${WORDS[7]}`],
    ["absent", "nothing like this"],
  ];
  const rows = [];
  type Timing = { p50: number; p95: number; hits: number };
  const f = (r: Timing) =>
    `${r.p50.toFixed(1)}/${r.p95.toFixed(1)} ms (${r.hits} hits)`;
  for (const [what, q] of queries) {
    const row: Record<string, unknown> = { what, q };
    const parts: string[] = [];
    for (const [name, index] of indexes) {
      const timing = await timed(() => indexed(data, index, q));
      row[name] = timing;
      parts.push(`${name} ${f(timing)}`);
    }
    if (SCAN_REPEAT > 0) {
      const scan = await timed(() => scanned(data, q), SCAN_REPEAT);
      row.scan = scan;
      parts.push(`scan ${f(scan)}`);
    }
    rows.push(row);
    await log(`${what} "${q}": ${parts.join(", ")}`);
  }
  for (const [, index] of indexes) index.close();
  data.kv.close();
  const report = {
    messages: MESSAGES,
    channels: CHANNELS,
    writes: WRITES,
    repeat: REPEAT,
    scanRepeat: SCAN_REPEAT,
    writePerSecond,
    followerCatchUpSeconds,
    seedSeconds,
    buildSeconds,
    buildCpuSeconds,
    dbBytes: before,
    indexBytes,
    queries: rows,
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
} finally {
  await Deno.remove(dir, { recursive: true });
}
