/**
 * Search benchmark, in one process on KV files: search latency (p50/p95)
 * through both engines (the FTS5 index in SQLite and the KV n-gram index)
 * next to a full scan of the same messages in the same run, each index's size
 * on disk, how fast it builds, and the write path's messages per second with
 * each engine's follower running against without.
 *
 *   deno run -A bench/search.ts [--messages 100000] [--channels 10]
 *     [--writes 20000] [--repeat 20] [--follow-delay MS] [--json]
 *
 * The messages are synthetic chat lines (6 to 14 words from a 3,000-word
 * vocabulary of random words with English letter frequencies, skewed so a few
 * words are common, one in ten with a CJK phrase); every query is searched in
 * every channel with a page of 20, as GET /search does for someone in all
 * of them. The full scan reads each channel newest first, 200 at a time,
 * until it has 20 matches or reaches the start.
 */
import { parseArgs } from "node:util";
import { createChannel } from "../lib/db/channels.ts";
import { createMessage, listMessages } from "../lib/db/messages.ts";
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
    // The follower's wait after a commit; the server's default when absent.
    "follow-delay": { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const MESSAGES = Number(values.messages);
const CHANNELS = Number(values.channels);
const WRITES = Number(values.writes);
const REPEAT = Number(values.repeat);
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

async function timed(fn: () => Promise<number>) {
  const ms: number[] = [];
  let hits = 0;
  for (let r = 0; r < REPEAT; r++) {
    const t = performance.now();
    hits = await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { hits, p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

const fileSize = async (path: string) => {
  let bytes = 0;
  for (const suffix of ["", "-wal"]) {
    bytes += await Deno.stat(path + suffix).then((s) => s.size, () => 0);
  }
  return bytes;
};

const dir = await Deno.makeTempDir({ prefix: "hearth-search-bench-" });
try {
  console.error(`${await machine()}; load ${await loadAverage()}`);
  // The write path, without and with each engine's follower keeping its index.
  const bare = await open(dir, "bare");
  const withoutIndex = await write(bare, WRITES);
  bare.kv.close();
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
  const withKv = await followedWrite("kv");
  const withSqlite = await followedWrite("sqlite");
  console.error(
    `write: ${withoutIndex.toFixed(0)} msg/s without a follower, ${
      withKv.perSecond.toFixed(0)
    } with the KV index's (catch-up ${withKv.catchUpSeconds.toFixed(1)} s), ${
      withSqlite.perSecond.toFixed(0)
    } with FTS5's (catch-up ${withSqlite.catchUpSeconds.toFixed(1)} s)`,
  );

  const data = await open(dir, "data");
  let t0 = performance.now();
  await write(data, MESSAGES);
  const seedSeconds = (performance.now() - t0) / 1000;
  data.kv.close();
  const before = await fileSize(data.path);
  data.kv = await Deno.openKv(data.path);
  const kvIndex = kvSearchIndex(data.kv);
  t0 = performance.now();
  await kvIndex.rebuild();
  const buildSeconds = (performance.now() - t0) / 1000;
  data.kv.close();
  const after = await fileSize(data.path);
  data.kv = await Deno.openKv(data.path);
  const ftsPath = sqliteIndexPath(data.path);
  let fts = await openSqliteSearchIndex(data.kv, ftsPath);
  t0 = performance.now();
  await fts.rebuild();
  const ftsBuildSeconds = (performance.now() - t0) / 1000;
  fts.close();
  const ftsBytes = await fileSize(ftsPath);
  fts = await openSqliteSearchIndex(data.kv, ftsPath);
  console.error(
    `${MESSAGES} messages written in ${
      seedSeconds.toFixed(0)
    } s; KV index built in ${buildSeconds.toFixed(0)} s, db ${
      (before / 2 ** 20).toFixed(0)
    } MiB -> ${(after / 2 ** 20).toFixed(0)} MiB; FTS5 index built in ${
      ftsBuildSeconds.toFixed(0)
    } s, ${(ftsBytes / 2 ** 20).toFixed(0)} MiB`,
  );

  const queries: [string, string][] = [
    ["common word", WORDS.find((w) => w.length >= 4)!],
    ["rare word", WORDS.slice(2900).find((w) => w.length >= 5)!],
    ["two characters", "th"],
    ["CJK substring", "会議"],
    ["two words", `${WORDS[5]} ${WORDS[7]}`],
    ["absent", "nothing like this"],
  ];
  const rows = [];
  const kvSearch = kvSearchIndex(data.kv);
  for (const [what, q] of queries) {
    const sqlite = await timed(() => indexed(data, fts, q));
    const index = await timed(() => indexed(data, kvSearch, q));
    const scan = await timed(() => scanned(data, q));
    rows.push({ what, q, sqlite, index, scan });
    const f = (r: { p50: number; p95: number; hits: number }) =>
      `${r.p50.toFixed(1)}/${r.p95.toFixed(1)} ms (${r.hits} hits)`;
    console.error(
      `${what} "${q}": FTS5 ${f(sqlite)}, KV index ${f(index)}, scan ${
        f(scan)
      }`,
    );
  }
  fts.close();
  data.kv.close();
  const report = {
    messages: MESSAGES,
    channels: CHANNELS,
    writes: WRITES,
    writePerSecond: {
      withoutIndex,
      withKvIndex: withKv.perSecond,
      withSqliteIndex: withSqlite.perSecond,
    },
    followerCatchUpSeconds: {
      kv: withKv.catchUpSeconds,
      sqlite: withSqlite.catchUpSeconds,
    },
    seedSeconds,
    buildSeconds: { kv: buildSeconds, sqlite: ftsBuildSeconds },
    dbBytes: { before, after, index: after - before, sqlite: ftsBytes },
    queries: rows,
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
} finally {
  await Deno.remove(dir, { recursive: true });
}
