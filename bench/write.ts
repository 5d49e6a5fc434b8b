/**
 * Message-write benchmark: persisted messages per second from concurrent
 * senders over HTTP against Hearth (a subprocess on a KV file), next to raw KV
 * atomics of the same shape (message + per-channel counter, checked) on a KV
 * file in the same run. In the same server run, the same senders then edit
 * their messages and react to them, for edits and reactions per second next
 * to messages per second.
 *
 *   deno run -A bench/write.ts [--senders 100] [--per-sender 100] [--json]
 *
 * Raw KV is measured three ways: the same number of concurrent writers, each
 * committing its own message with check-and-retry on the counter (what a naive
 * data layer does); one writer committing one message at a time (the
 * per-commit rate with no contention); and one writer committing 64 messages
 * per atomic (the ceiling of lib/db's shape, which batches the messages that
 * queue up for a channel while a commit is in flight into one atomic).
 */
import { parseArgs } from "node:util";
import {
  type Child,
  loadAverage,
  machine,
  percentile,
  randomSecret,
  seed,
  spawnHearth,
} from "./_hearth.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    senders: { type: "string", default: "100" },
    "per-sender": { type: "string", default: "100" },
    json: { type: "boolean", default: false },
  },
});
const SENDERS = Number(values.senders);
const PER_SENDER = Number(values["per-sender"]);
const TOTAL = SENDERS * PER_SENDER;
const CONTENT = "The quick brown fox jumps over the lazy dog. ".repeat(2)
  .trim();

/** Results of one way of writing. */
interface WriteResult {
  messages: number;
  seconds: number;
  perSecond: number;
  /** Per-message latency (request or commit, retries included), ms. */
  p50: number;
  p99: number;
  /** Failed commits that had to be retried (raw KV only). */
  retries?: number;
}

function result(latencies: number[], seconds: number): WriteResult {
  latencies.sort((a, b) => a - b);
  return {
    messages: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** What the Hearth run measured: posts, then edits, then reactions. */
interface HearthResults {
  messages: WriteResult;
  edits: WriteResult;
  reactions: WriteResult;
}

// Distinct emoji, so each sender's reaction to a message is a change of its own.
const EMOJI = [..."👍🎉🔥👀😀😂🤔👏🙏💯"];

async function benchHearth(): Promise<HearthResults> {
  const dir = await Deno.makeTempDir({ prefix: "hearth-write-" });
  const db = `${dir}/hearth.db`;
  const secret = randomSecret();
  let server: Child | undefined;
  try {
    const seeded = await seed(db, SENDERS, secret, true);
    server = await spawnHearth(db, secret);
    const url = `${server.base}/channels/${seeded.channelId}/messages`;
    const post = async (token: string, content: string) => {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ content, clientId: crypto.randomUUID() }),
      });
      const body = await res.json();
      if (res.status !== 201) throw new Error(`${res.status} ${body.detail}`);
      return body.seq as number;
    };
    // A change answers 200 (an edit) or 204 (a reaction).
    const change = async (
      token: string,
      method: string,
      path: string,
      json?: unknown,
    ) => {
      const res = await fetch(`${url}/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(json === undefined ? {} : { "content-type": "application/json" }),
        },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      const text = await res.text();
      if (res.status !== 200 && res.status !== 204) {
        throw new Error(`${method} ${path}: ${res.status} ${text}`);
      }
    };
    const timed = async (
      each: (token: string, s: number, i: number) => Promise<void>,
    ) => {
      const latencies: number[] = [];
      const started = performance.now();
      await Promise.all(seeded.tokens.map(async (token, s) => {
        for (let i = 0; i < PER_SENDER; i++) {
          const sent = performance.now();
          await each(token, s, i);
          latencies.push(performance.now() - sent);
        }
      }));
      return result(latencies, (performance.now() - started) / 1000);
    };
    // One warm-up message per sender opens the connections and warms the JIT.
    await Promise.all(seeded.tokens.map((t) => post(t, "warm-up")));
    const own: number[][] = seeded.tokens.map(() => []);
    const messages = await timed(async (token, s, i) => {
      own[s].push(await post(token, `${CONTENT} ${s}.${i}`));
    });
    await verifyGapless(server.base, seeded.tokens[0], seeded.channelId!);
    const edits = await timed((token, s, i) =>
      change(token, "PATCH", String(own[s][i]), {
        content: `${CONTENT} ${s}.${i}, edited`,
      })
    );
    // Each sender reacts to the messages of the sender after it.
    const reactions = await timed((token, s, i) => {
      const seq = own[(s + 1) % own.length][i];
      const emoji = encodeURIComponent(EMOJI[s % EMOJI.length]);
      return change(token, "PUT", `${seq}/reactions/${emoji}`);
    });
    await verifyGapless(server.base, seeded.tokens[0], seeded.channelId!);
    return { messages, edits, reactions };
  } finally {
    await server?.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

// Every message stored, seqs 1..N with no gap: the benchmark counts only real writes.
async function verifyGapless(base: string, token: string, channelId: string) {
  let expected = 1;
  for (let after = 0;;) {
    const res = await fetch(
      `${base}/channels/${channelId}/messages?after=${after}&limit=200`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const page = await res.json() as { seq: number }[];
    if (page.length === 0) break;
    for (const m of page) {
      if (m.seq !== expected++) throw new Error(`gap at seq ${m.seq}`);
    }
    after = page.at(-1)!.seq;
  }
  if (expected - 1 !== TOTAL + SENDERS) {
    throw new Error(`stored ${expected - 1}, expected ${TOTAL + SENDERS}`);
  }
}

/** Raw KV, one writer committing `batch` messages and the counter per atomic (lib/db's group commit, without HTTP). */
async function benchRawBatched(total: number, batch: number) {
  const dir = await Deno.makeTempDir({ prefix: "hearth-rawkv-" });
  const kv = await Deno.openKv(`${dir}/raw.db`);
  const channelId = crypto.randomUUID();
  const counterKey = ["channel_seq", channelId];
  try {
    const latencies: number[] = [];
    const started = performance.now();
    for (let done = 0; done < total; done += batch) {
      const sent = performance.now();
      const counter = await kv.get<number>(counterKey);
      let seq = counter.value ?? 0;
      const op = kv.atomic().check(counter);
      const size = Math.min(batch, total - done);
      for (let i = 0; i < size; i++) {
        seq++;
        op.set(["messages", channelId, seq], {
          id: crypto.randomUUID(),
          channelId,
          seq,
          author: { id: "u", username: "u", displayName: "u" },
          content: `${CONTENT} ${seq}`,
          createdAt: new Date().toISOString(),
          file: null,
        });
      }
      if (!(await op.set(counterKey, seq).commit()).ok) {
        throw new Error("single writer lost a check");
      }
      const ms = performance.now() - sent;
      for (let i = 0; i < size; i++) latencies.push(ms);
    }
    const seconds = (performance.now() - started) / 1000;
    return { ...result(latencies, seconds), retries: 0 };
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Raw KV: `writers` concurrent loops, each message its own checked atomic (message + counter). */
async function benchRaw(writers: number, perWriter: number) {
  const dir = await Deno.makeTempDir({ prefix: "hearth-rawkv-" });
  const kv = await Deno.openKv(`${dir}/raw.db`);
  const channelId = crypto.randomUUID();
  const counterKey = ["channel_seq", channelId];
  let retries = 0;
  const write = async (content: string) => {
    while (true) {
      const counter = await kv.get<number>(counterKey);
      const seq = (counter.value ?? 0) + 1;
      const result = await kv.atomic()
        .check(counter)
        .set(["messages", channelId, seq], {
          id: crypto.randomUUID(),
          channelId,
          seq,
          author: { id: "u", username: "u", displayName: "u" },
          content,
          createdAt: new Date().toISOString(),
          file: null,
        })
        .set(counterKey, seq)
        .commit();
      if (result.ok) return;
      retries++;
    }
  };
  try {
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          const sent = performance.now();
          await write(`${CONTENT} ${w}.${i}`);
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const last = (await kv.get<number>(counterKey)).value;
    if (last !== writers * perWriter) throw new Error(`raw counter ${last}`);
    return { ...result(latencies, seconds), retries };
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function line(name: string, r: WriteResult): string {
  return `${name.padEnd(28)} ${r.messages} messages in ${
    r.seconds.toFixed(2)
  } s = ${Math.round(r.perSecond).toLocaleString("en-US")}/s; p50 ${
    r.p50.toFixed(1)
  } ms, p99 ${r.p99.toFixed(1)} ms${
    r.retries === undefined ? "" : `; ${r.retries} retried commits`
  }`;
}

if (import.meta.main) {
  console.log(
    `Message writes: ${SENDERS} concurrent senders x ${PER_SENDER} messages into one channel`,
  );
  console.log(`${await machine()}; ${await loadAverage()}`);
  const hearth = await benchHearth();
  const rawConcurrent = await benchRaw(SENDERS, PER_SENDER);
  const rawSerial = await benchRaw(1, TOTAL);
  const rawBatched = await benchRawBatched(TOTAL, 64);
  console.log(`finished; ${await loadAverage()}`);
  console.log(line(`hearth (HTTP, ${SENDERS} senders)`, hearth.messages));
  console.log(
    line(`hearth edits (HTTP)`, hearth.edits).replace("messages", "edits"),
  );
  console.log(
    line(`hearth reactions (HTTP)`, hearth.reactions)
      .replace("messages", "reactions"),
  );
  console.log(
    `edits/messages ${
      (hearth.edits.perSecond / hearth.messages.perSecond).toFixed(2)
    }, reactions/messages ${
      (hearth.reactions.perSecond / hearth.messages.perSecond).toFixed(2)
    } (per second, same server run)`,
  );
  console.log(line(`raw KV, ${SENDERS} writers`, rawConcurrent));
  console.log(line("raw KV, 1 writer", rawSerial));
  console.log(line("raw KV, 1 writer, 64/atomic", rawBatched));
  const ratio = (r: WriteResult) =>
    (hearth.messages.perSecond / r.perSecond).toFixed(2);
  console.log(
    `ratio hearth/raw KV: ${ratio(rawConcurrent)} (${SENDERS} writers), ${
      ratio(rawSerial)
    } (1 writer), ${ratio(rawBatched)} (1 writer, 64/atomic)`,
  );
  if (values.json) {
    console.log(
      JSON.stringify({ hearth, rawConcurrent, rawSerial, rawBatched }),
    );
  }
}
