/**
 * File transfer benchmark: how fast does a big file go up and come back down,
 * and does the server's memory stay flat while it does?
 *
 *   deno run -A bench/files.ts [size] [--rounds 3]
 *
 * size is 1GiB by default (256MiB, 64M or a byte count also work); every
 * round uploads and downloads a new file of that size.
 *
 * Hearth runs as its own process (`main.ts` on a fresh KV file, with
 * `--max-upload-mb 2048`). This process signs up, then streams a file of
 * pseudo-random 64 KiB blocks, generated as they are sent and never held
 * whole, as a hand-built multipart body (preamble, file bytes, epilogue) to
 * `POST /channels/{id}/files`, and downloads it again from `GET /files/{id}`.
 * SHA-256 is checked both ways: the hash of the bytes sent must equal the
 * server's ETag (its hash of what it stored) and the hash of the bytes
 * downloaded. The server's VmRSS is read from /proc/<pid>/status before,
 * every 20 ms during each phase (the peak is kept), and after.
 *
 * The baseline, in the same run, is raw Deno KV in this process on a KV file
 * of its own, measured right after each Hearth phase while the server idles:
 * the same bytes as 64 KiB values, ten per atomic commit (one commit at a
 * time, and two in flight as the server does), read back with `list()` and
 * with `getMany()` in batches. The faster variant of each direction is the
 * baseline; ratios are per round, and the medians are reported, which keeps
 * a busy machine from skewing one side. MB are 10^6 bytes.
 */
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { type Spawned, spawnHearth } from "../tests/helpers/process.ts";
import { cpuSeconds } from "./_hearth.ts";

const BLOCK = 64 * 1024;
const CHUNKS_PER_ATOMIC = 10;
const POOL_BYTES = 4 * 1024 * 1024;
const SAMPLE_MS = 20;
const MB = 1e6;
const PASSWORD = "a benchmark password";

function parseSize(arg: string | undefined): number {
  if (arg === undefined) return 1024 ** 3;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(arg.trim());
  if (!match) {
    throw new Error(`size "${arg}" is not like 1GiB, 256MiB, 64M or 1048576`);
  }
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[
    match[2].toLowerCase() as "" | "k" | "m" | "g"
  ];
  return Math.round(Number(match[1]) * unit);
}

/**
 * Pseudo-random blocks without a CSPRNG call per block: each block is a copy
 * of a random pool at a varying offset, stamped with its index so no two
 * blocks are alike. Cheap enough that the client is not what is measured.
 */
class BlockSource {
  #pool = new Uint8Array(POOL_BYTES + BLOCK);
  constructor() {
    for (let i = 0; i < this.#pool.length; i += 65536) {
      crypto.getRandomValues(
        this.#pool.subarray(i, Math.min(i + 65536, this.#pool.length)),
      );
    }
  }

  /** Block `index` of a file, `length` bytes (at most 64 KiB), freshly allocated. */
  block(index: number, length: number): Uint8Array<ArrayBuffer> {
    const offset = ((index * 2654435761) >>> 0) % POOL_BYTES;
    const block = this.#pool.slice(offset, offset + length);
    if (length >= 8) {
      new DataView(block.buffer).setFloat64(0, index);
    }
    return block;
  }

  /** A view of block `index` (no copy), for the raw KV writes. */
  view(index: number, length: number): Uint8Array {
    const offset = ((index * 2654435761) >>> 0) % POOL_BYTES;
    return this.#pool.subarray(offset, offset + length);
  }
}

interface Rss {
  /** VmRSS in bytes. */
  total: number;
  /** RssAnon in bytes: the heap, not file pages. */
  anon: number;
}

function readRss(pid: number): Rss {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) * 1024 : NaN;
  };
  return { total: field("VmRSS"), anon: field("RssAnon") };
}

interface Observed<T> {
  result: T;
  /** Highest RSS seen while the phase ran. */
  peak: Rss;
  /** CPU seconds the process used during the phase. */
  cpu: number;
}

/**
 * Runs a phase while sampling a process's RSS every few ms (keeping the
 * peak) and counting the CPU time it used.
 */
async function observe<T>(
  pid: number,
  phase: () => Promise<T>,
): Promise<Observed<T>> {
  const peak = readRss(pid);
  const sample = () => {
    const now = readRss(pid);
    peak.total = Math.max(peak.total, now.total);
    peak.anon = Math.max(peak.anon, now.anon);
  };
  const cpuBefore = cpuSeconds(pid);
  const timer = setInterval(sample, SAMPLE_MS);
  try {
    const result = await phase();
    sample();
    return { result, peak, cpu: cpuSeconds(pid) - cpuBefore };
  } finally {
    clearInterval(timer);
  }
}

/** Starts `main.ts` on a KV file and waits for the address it prints. */
function startHearth(db: string): Promise<Spawned> {
  return spawnHearth({
    db,
    args: ["--max-upload-mb", "2048"],
    stderr: "inherit",
    timeoutMs: Infinity,
    // The request log is drained so the pipe never fills; only faults are shown.
    onLine: (line) => {
      if (line.includes('"level":"error"')) console.error(line);
    },
  });
}

async function json(res: Response, expected: number) {
  const body = await res.json();
  if (res.status !== expected) {
    throw new Error(`${res.url}: ${res.status} ${JSON.stringify(body)}`);
  }
  return body;
}

/** Registers and signs in a fresh user; answers the token and a channel id. */
async function signUp(base: string) {
  const username = `bench_${crypto.randomUUID().slice(0, 8)}`;
  const credentials = JSON.stringify({ username, password: PASSWORD });
  const headers = { "content-type": "application/json" };
  await json(
    await fetch(`${base}/auth/register`, {
      method: "POST",
      headers,
      body: credentials,
    }),
    201,
  );
  const { access_token: token } = await json(
    await fetch(`${base}/auth/login`, {
      method: "POST",
      headers,
      body: credentials,
    }),
    200,
  );
  const auth = { authorization: `Bearer ${token}` };
  const channels = await json(
    await fetch(`${base}/channels`, { headers: auth }),
    200,
  ) as { id: string; name: string }[];
  let channel = channels.find((c) => c.name === "general");
  channel ??= await json(
    await fetch(`${base}/channels`, {
      method: "POST",
      headers: { ...auth, ...headers },
      body: JSON.stringify({ name: "bench" }),
    }),
    201,
  );
  return { token: token as string, channelId: channel!.id };
}

interface Transfer {
  seconds: number;
  sha256: string;
  bytes: number;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

/** Reads an HTTP/1.1 response to the end (the request said `Connection: close`). */
async function readResponse(
  conn: Deno.Conn,
): Promise<{ status: number; body: string }> {
  const raw = new Uint8Array(await new Response(conn.readable).arrayBuffer());
  const text = new TextDecoder().decode(raw);
  const split = text.indexOf("\r\n\r\n");
  const head = text.slice(0, split);
  let body = text.slice(split + 4);
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    let decoded = "";
    for (let at = 0;;) {
      const eol = body.indexOf("\r\n", at);
      const length = parseInt(body.slice(at, eol), 16);
      if (!length) break;
      decoded += body.slice(eol + 2, eol + 2 + length);
      at = eol + 2 + length + 2;
    }
    body = decoded;
  }
  return { status: Number(head.split(" ")[1]), body };
}

/**
 * Streams `size` generated bytes up as a hand-built multipart body over a raw
 * HTTP/1.1 connection with a Content-Length, as browsers and curl send files.
 * (Deno's `fetch` with a ReadableStream body sends it chunked in 32 KiB
 * writes and, once the server pushes back, crawls at a few MB/s: it would
 * measure the client, not Hearth.)
 */
async function uploadFile(
  base: string,
  token: string,
  channelId: string,
  size: number,
  source: BlockSource,
): Promise<Transfer & { fileId: string; url: string }> {
  const boundary = `----hearth-bench-${crypto.randomUUID()}`;
  const encoder = new TextEncoder();
  const preamble = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
      `filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const epilogue = encoder.encode(`\r\n--${boundary}--\r\n`);
  const url = new URL(base);
  const hash = createHash("sha256");
  const started = performance.now();
  const conn = await Deno.connect({
    hostname: url.hostname,
    port: Number(url.port),
  });
  let response;
  try {
    conn.setNoDelay(true);
    const head = [
      `POST /channels/${channelId}/files HTTP/1.1`,
      `Host: ${url.host}`,
      `Authorization: Bearer ${token}`,
      `Content-Type: multipart/form-data; boundary=${boundary}`,
      `Content-Length: ${preamble.length + size + epilogue.length}`,
      "Connection: close",
    ].join("\r\n");
    await writeAll(conn, encoder.encode(head + "\r\n\r\n"));
    await writeAll(conn, preamble);
    for (let sent = 0, index = 0; sent < size; index++) {
      const block = source.block(index, Math.min(BLOCK, size - sent));
      await writeAll(conn, block);
      sent += block.length;
    }
    await writeAll(conn, epilogue);
    response = await readResponse(conn);
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed by reading to the end.
    }
  }
  const seconds = (performance.now() - started) / 1000;
  if (response.status !== 201) {
    throw new Error(`upload: ${response.status} ${response.body}`);
  }
  const message = JSON.parse(response.body);
  if (message.file.size !== size) {
    throw new Error(`stored ${message.file.size} bytes, sent ${size}`);
  }
  // Hashed afterwards from the same generated blocks, so that the client's
  // hashing does not take CPU from the server while the upload is timed.
  for (let sent = 0, index = 0; sent < size; index++) {
    const block = source.block(index, Math.min(BLOCK, size - sent));
    hash.update(block);
    sent += block.length;
  }
  return {
    seconds,
    sha256: hash.digest("hex"),
    bytes: size,
    fileId: message.file.id,
    url: message.file.url,
  };
}

// Downloads up to this size are received into one buffer and hashed after the
// clock stops; larger ones are hashed as they arrive.
const MAX_HELD_DOWNLOAD = 2 * 1024 ** 3;
let heldDownload = new Uint8Array(0);

/**
 * Downloads a file over a raw HTTP/1.1 connection and answers its hash and
 * ETag. The body goes straight into one buffer kept across rounds and is
 * hashed once the transfer is timed, so the client's hashing takes no CPU from
 * the server meanwhile. (`fetch` allocates every piece and tops out near 350
 * MB/s here, below what the server sends.)
 */
async function downloadFile(
  base: string,
  token: string,
  path: string,
  size: number,
): Promise<Transfer & { etag: string }> {
  const url = new URL(base);
  const hold = size <= MAX_HELD_DOWNLOAD;
  if (hold && heldDownload.length < size + 64 * 1024) {
    // Touched now, so the first round does not time the page faults.
    heldDownload = new Uint8Array(size + 64 * 1024).fill(1);
  }
  const buf = hold ? heldDownload : new Uint8Array(256 * 1024);
  const hash = createHash("sha256");
  const started = performance.now();
  const conn = await Deno.connect({
    hostname: url.hostname,
    port: Number(url.port),
  });
  let bytes = 0;
  let etag = "";
  let bodyAt = 0;
  let seconds: number;
  try {
    const head = [
      `GET ${path} HTTP/1.1`,
      `Host: ${url.host}`,
      `Authorization: Bearer ${token}`,
      "Connection: close",
    ].join("\r\n");
    await writeAll(conn, new TextEncoder().encode(head + "\r\n\r\n"));
    // The head: read until the blank line; what follows is body.
    let got = 0;
    let split = -1;
    while (split < 0) {
      const n = await conn.read(buf.subarray(got, got + 64 * 1024));
      if (n === null) throw new Error("download: connection closed early");
      got += n;
      split = new TextDecoder().decode(buf.subarray(0, got)).indexOf(
        "\r\n\r\n",
      );
    }
    const headText = new TextDecoder().decode(buf.subarray(0, split));
    const status = Number(headText.split(" ")[1]);
    const length = Number(/^content-length:\s*(\d+)/im.exec(headText)?.[1]);
    etag = /^etag:\s*"([^"]*)"/im.exec(headText)?.[1] ?? "";
    if (status !== 200 || length !== size) {
      throw new Error(
        `download: ${headText.split("\r\n")[0]}, ${length} bytes`,
      );
    }
    // The head is ASCII, so its character count is its byte count.
    bodyAt = split + 4;
    bytes = got - bodyAt;
    if (hold) {
      while (bytes < length) {
        const n = await conn.read(buf.subarray(bodyAt + bytes));
        if (n === null) break;
        bytes += n;
      }
    } else {
      hash.update(buf.subarray(bodyAt, got));
      while (bytes < length) {
        const n = await conn.read(buf);
        if (n === null) break;
        hash.update(buf.subarray(0, n));
        bytes += n;
      }
    }
    seconds = (performance.now() - started) / 1000;
  } finally {
    conn.close();
  }
  if (hold) hash.update(buf.subarray(bodyAt, bodyAt + bytes));
  return { seconds, sha256: hash.digest("hex"), bytes, etag };
}

/** Writes `size` bytes as 64 KiB values, ten per atomic, `inFlight` commits at a time. */
async function rawWrite(
  kv: Deno.Kv,
  id: string,
  size: number,
  source: BlockSource,
  inFlight: number,
): Promise<number> {
  const started = performance.now();
  const chunks = Math.ceil(size / BLOCK);
  const pending = new Set<Promise<void>>();
  for (let n = 0; n < chunks; n += CHUNKS_PER_ATOMIC) {
    const op = kv.atomic();
    for (let i = n; i < Math.min(n + CHUNKS_PER_ATOMIC, chunks); i++) {
      const length = Math.min(BLOCK, size - i * BLOCK);
      op.set(["file_chunks", id, i], source.view(i, length));
    }
    const commit: Promise<void> = op.commit().then((res) => {
      if (!res.ok) throw new Error("raw commit failed");
      pending.delete(commit);
    });
    pending.add(commit);
    if (pending.size >= inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
  return (performance.now() - started) / 1000;
}

/** Reads every chunk back with `list()`, `batchSize` entries per round trip. */
async function rawList(
  kv: Deno.Kv,
  id: string,
  size: number,
  batchSize: number,
): Promise<number> {
  const started = performance.now();
  let bytes = 0;
  const entries = kv.list<Uint8Array>({ prefix: ["file_chunks", id] }, {
    batchSize,
  });
  for await (const entry of entries) bytes += entry.value.length;
  if (bytes !== size) throw new Error(`raw list read ${bytes} of ${size}`);
  return (performance.now() - started) / 1000;
}

/** Reads every chunk back with `getMany()` of `batch` keys. */
async function rawGetMany(
  kv: Deno.Kv,
  id: string,
  size: number,
  batch: number,
): Promise<number> {
  const started = performance.now();
  const chunks = Math.ceil(size / BLOCK);
  let bytes = 0;
  for (let n = 0; n < chunks; n += batch) {
    const keys = [];
    for (let i = n; i < Math.min(n + batch, chunks); i++) {
      keys.push(["file_chunks", id, i]);
    }
    for (const entry of await kv.getMany<Uint8Array[]>(keys)) {
      bytes += entry.value!.length;
    }
  }
  if (bytes !== size) throw new Error(`raw getMany read ${bytes} of ${size}`);
  return (performance.now() - started) / 1000;
}

async function removeDb(path: string): Promise<void> {
  for (const suffix of ["", "-wal", "-shm"]) {
    await Deno.remove(path + suffix).catch(() => {});
  }
}

const fmtMiB = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);

/** Seconds of wall time and of CPU time one side spent on a transfer. */
interface Cost {
  seconds: number;
  cpu: number;
}

interface Round {
  up: Cost;
  down: Cost;
  write1: Cost;
  write2: Cost;
  list: Cost;
  getMany: Cost;
  serverPeakUp: number;
  serverPeakDown: number;
  hashesMatch: boolean;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const cost = (o: Observed<number>): Cost => ({ seconds: o.result, cpu: o.cpu });

async function main() {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { rounds: { type: "string", default: "3" } },
  });
  const size = parseSize(positionals[0]);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`--rounds must be a whole number from 1, got ${rounds}`);
  }
  const dir = await Deno.makeTempDir({ prefix: "hearth-bench-files-" });
  const source = new BlockSource();
  const loadBefore = Deno.loadavg()[0];
  console.error(
    `Benchmarking a ${fmtMiB(size)} MiB file, ${rounds} round(s), in ${dir}`,
  );

  const server = await startHearth(`${dir}/hearth.db`);
  const results: Round[] = [];
  let rss, rawRss;
  try {
    const { token, channelId } = await signUp(server.base);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = readRss(server.pid);
    const serverPeak = { upload: { ...before }, download: { ...before } };
    // Raw KV growth is counted from just before each raw phase: this process
    // also generates the upload, and that garbage is not KV's.
    const rawGrowth = { write: 0, read: 0 };
    const keepPeak = (into: Rss, sample: Rss) => {
      into.total = Math.max(into.total, sample.total);
      into.anon = Math.max(into.anon, sample.anon);
    };
    const rawPhase = async (
      kind: "write" | "read",
      run: () => Promise<number>,
    ) => {
      const start = readRss(Deno.pid).total;
      const observed = await observe(Deno.pid, run);
      rawGrowth[kind] = Math.max(rawGrowth[kind], observed.peak.total - start);
      return cost(observed);
    };
    // Each Hearth phase is followed at once by its raw KV twin, so both see
    // the same machine; the raw side runs in this process while the server idles.
    for (let round = 1; round <= rounds; round++) {
      console.error(`round ${round}: upload`);
      const upload = await observe(
        server.pid,
        () => uploadFile(server.base, token, channelId, size, source),
      );
      keepPeak(serverPeak.upload, upload.peak);
      const rawPath = `${dir}/raw-${round}.db`;
      const kv = await Deno.openKv(rawPath);
      try {
        console.error(`round ${round}: raw KV writes`);
        const write1 = await rawPhase(
          "write",
          () => rawWrite(kv, "one", size, source, 1),
        );
        const write2 = await rawPhase(
          "write",
          () => rawWrite(kv, "two", size, source, 2),
        );
        console.error(`round ${round}: download`);
        const download = await observe(
          server.pid,
          () => downloadFile(server.base, token, upload.result.url, size),
        );
        keepPeak(serverPeak.download, download.peak);
        console.error(`round ${round}: raw KV reads`);
        const list = await rawPhase(
          "read",
          () => rawList(kv, "one", size, 100),
        );
        const getMany = await rawPhase(
          "read",
          () => rawGetMany(kv, "one", size, 10),
        );
        const up = upload.result;
        const down = download.result;
        results.push({
          up: { seconds: up.seconds, cpu: upload.cpu },
          down: { seconds: down.seconds, cpu: download.cpu },
          write1,
          write2,
          list,
          getMany,
          serverPeakUp: upload.peak.total,
          serverPeakDown: download.peak.total,
          hashesMatch: up.sha256 === down.etag && up.sha256 === down.sha256 &&
            down.bytes === size,
        });
      } finally {
        kv.close();
        await removeDb(rawPath);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    rss = { before, ...serverPeak, after: readRss(server.pid) };
    rawRss = rawGrowth;
  } finally {
    await server.stop();
    await removeDb(`${dir}/hearth.db`);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }

  const fastest = (a: Cost, b: Cost) => (a.seconds <= b.seconds ? a : b);
  const leanest = (a: Cost, b: Cost) => (a.cpu <= b.cpu ? a : b);
  const rows = results.map((r) => {
    const rawWrite = fastest(r.write1, r.write2);
    const rawRead = fastest(r.list, r.getMany);
    return {
      ...r,
      rawWrite,
      rawRead,
      upRatio: rawWrite.seconds / r.up.seconds,
      downRatio: rawRead.seconds / r.down.seconds,
      upCpuRatio: leanest(r.write1, r.write2).cpu / r.up.cpu,
      downCpuRatio: leanest(r.list, r.getMany).cpu / r.down.cpu,
    };
  });
  const mbs = (seconds: number) => (size / MB / seconds).toFixed(1);
  const med = (pick: (r: typeof rows[number]) => number) =>
    median(rows.map(pick));
  const upRatio = med((r) => r.upRatio);
  const downRatio = med((r) => r.downRatio);
  const peak = Math.max(rss.upload.total, rss.download.total);
  const growth = peak - rss.before.total;
  const anonGrowth = Math.max(rss.upload.anon, rss.download.anon) -
    rss.before.anon;
  const hashesMatch = rows.every((r) => r.hashesMatch);
  const check = (ok: boolean) => (ok ? "✓" : "✗");

  const cpu = /model name\s*:\s*(.*)/.exec(
    await Deno.readTextFile("/proc/cpuinfo").catch(() => ""),
  )?.[1] ?? "unknown";
  const out = [
    `Files benchmark, ${new Date().toISOString().slice(0, 16)}Z: ` +
    `${fmtMiB(size)} MiB, ${rounds} round(s), ` +
    `${navigator.hardwareConcurrency} CPUs (${cpu}), Deno ${Deno.version.deno}, ` +
    `load average ${loadBefore.toFixed(2)} before and ` +
    `${Deno.loadavg()[0].toFixed(2)} after`,
    "",
    "| median of rounds | Hearth MB/s | raw KV MB/s | Hearth/raw | goal | Hearth MB per CPU-s | raw MB per CPU-s | ratio |",
    "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    `| upload (POST, multipart → KV chunks) | ${
      mbs(med((r) => r.up.seconds))
    } | ${mbs(med((r) => r.rawWrite.seconds))} | ${
      upRatio.toFixed(2)
    } | ≥ 0.8 ${check(upRatio >= 0.8)} | ${mbs(med((r) => r.up.cpu))} | ${
      mbs(med((r) => leanest(r.write1, r.write2).cpu))
    } | ${med((r) => r.upCpuRatio).toFixed(2)} |`,
    `| download (GET, KV chunks → socket) | ${
      mbs(med((r) => r.down.seconds))
    } | ${mbs(med((r) => r.rawRead.seconds))} | ${
      downRatio.toFixed(2)
    } | ≥ 0.8 ${check(downRatio >= 0.8)} | ${mbs(med((r) => r.down.cpu))} | ${
      mbs(med((r) => leanest(r.list, r.getMany).cpu))
    } | ${med((r) => r.downCpuRatio).toFixed(2)} |`,
    "",
    "MB/s per round (CPU time of the server, or of the raw loop, in brackets as MB per CPU-second):",
    "",
    "| round | upload | raw write, 1 / 2 in flight | up ratio | download | raw read, list / getMany | down ratio | server peak RSS up / down (MiB) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r, i) =>
      `| ${i + 1} | ${mbs(r.up.seconds)} (${mbs(r.up.cpu)}) | ${
        mbs(r.write1.seconds)
      } (${mbs(r.write1.cpu)}) / ${mbs(r.write2.seconds)} (${
        mbs(r.write2.cpu)
      }) | ${r.upRatio.toFixed(2)} | ${mbs(r.down.seconds)} (${
        mbs(r.down.cpu)
      }) | ${mbs(r.list.seconds)} (${mbs(r.list.cpu)}) / ${
        mbs(r.getMany.seconds)
      } (${mbs(r.getMany.cpu)}) | ${r.downRatio.toFixed(2)} | ${
        fmtMiB(r.serverPeakUp)
      } / ${fmtMiB(r.serverPeakDown)} |`
    ),
    "",
    "| RSS (MiB) | VmRSS | RssAnon |",
    "| --- | ---: | ---: |",
    `| server before the first upload | ${fmtMiB(rss.before.total)} | ${
      fmtMiB(rss.before.anon)
    } |`,
    `| server peak during uploads | ${fmtMiB(rss.upload.total)} | ${
      fmtMiB(rss.upload.anon)
    } |`,
    `| server peak during downloads | ${fmtMiB(rss.download.total)} | ${
      fmtMiB(rss.download.anon)
    } |`,
    `| server after (1 s idle) | ${fmtMiB(rss.after.total)} | ${
      fmtMiB(rss.after.anon)
    } |`,
    `| **server growth, peak − before** | **${fmtMiB(growth)}** | ${
      fmtMiB(anonGrowth)
    } |`,
    `| raw KV in this process, largest growth during a write phase | ${
      fmtMiB(rawRss.write)
    } | |`,
    `| raw KV in this process, largest growth during a read phase | ${
      fmtMiB(rawRss.read)
    } | |`,
    "",
    `Server RSS growth goal < 100 MB: ${check(growth < 100 * MB)} ` +
    `(${(growth / MB).toFixed(1)} MB)`,
    `SHA-256 sent = ETag = received, every round: ${
      hashesMatch ? "✓" : "✗ MISMATCH"
    }`,
  ];
  console.log(out.join("\n"));
  if (!hashesMatch) Deno.exit(1);
}

if (import.meta.main) await main();
