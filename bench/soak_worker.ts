/**
 * One load-generating Web Worker of `bench/soak.ts`. It drives its share of
 * the sockets: chats on them, switches some to newly joined channels,
 * disconnects and resumes them with `after=`, uploads and downloads small
 * files, and checks every channel stream for gaps and duplicates.
 *
 * Protocol with the main thread: `start` (config) → `ready`; `progress`
 * every few seconds; `stop` → `stopped` once quiet; `verify` (each channel's
 * final lastSeq) → `result`.
 */
import { emptyStats } from "./_soak_stats.ts";

/// <reference lib="deno.worker" />

/** A socket to drive: which user, with which token, in which channel. */
export interface SocketPlan {
  userId: string;
  token: string;
  channelId: string;
}

/** What the main thread hands each worker. */
export interface WorkerConfig {
  id: number;
  base: string;
  sockets: SocketPlan[];
  /** Every channel id, for joins. */
  channels: string[];
  /** Message frames per second from this worker, spread over its sockets. */
  messagesPerSecond: number;
  /** Each socket reconnects (with `after`) about this often, in seconds. */
  reconnectEverySeconds: number;
  /** Channel switches (join + move one socket) per second from this worker. */
  joinsPerSecond: number;
  /** Uploads per second from this worker. */
  uploadsPerSecond: number;
  seed: number;
}

/** Counters a worker reports; latencies as a histogram of 0.1 ms buckets. */
export interface WorkerStats {
  sent: number;
  acked: number;
  typingSent: number;
  delivered: number;
  replayed: number;
  reconnects: number;
  joins: number;
  uploads: number;
  downloads: number;
  open: number;
  errors: Record<string, number>;
  examples: string[];
  histogram?: Uint32Array;
  /** Sockets per channel when reported. */
  channels?: Record<string, number>;
}

const HISTOGRAM_BUCKETS = 600_000; // 0.1 ms each: up to 60 s

interface Sock {
  plan: SocketPlan;
  ws: WebSocket | null;
  open: boolean;
  /** Highest seq seen in this channel (continuity across reconnects), null before the first ready. */
  lastSeq: number | null;
  /** lastSeq in the latest ready frame: messages up to it are backlog. */
  readyLastSeq: number;
  /** Closing on purpose (reconnect, channel switch, end). */
  closing: boolean;
  busy: boolean;
  /** Messages this socket sent that have not come back yet. */
  unacked: number;
  sendTimer?: Timer;
  reconnectTimer?: Timer;
}

let config: WorkerConfig;
let stopping = false;
const sockets: Sock[] = [];
const pending = new Map<string, { t: number; s: Sock }>();
const histogram = new Uint32Array(HISTOGRAM_BUCKETS);
const stats: WorkerStats = emptyStats();
type Timer = ReturnType<typeof setTimeout>;
const timers = new Set<Timer>();
let counter = 0;

// mulberry32: a small seeded generator, so runs are comparable.
let rngState = 1;
function random(): number {
  rngState = (rngState + 0x6d2b79f5) | 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Exponentially distributed wait with the given mean, in ms. */
function exponential(meanMs: number): number {
  return -Math.log(1 - random()) * meanMs;
}

const now = () => performance.timeOrigin + performance.now();

function error(kind: string, detail = ""): void {
  stats.errors[kind] = (stats.errors[kind] ?? 0) + 1;
  if (stats.examples.length < 20) {
    stats.examples.push(`worker ${config.id}: ${kind} ${detail}`.trim());
  }
}

function later(fn: () => void, ms: number): Timer {
  const timer = setTimeout(() => {
    timers.delete(timer);
    fn();
  }, ms);
  timers.add(timer);
  return timer;
}

function socketUrl(s: Sock, after: number | null): string {
  const url = new URL(`/ws/channels/${s.plan.channelId}`, config.base);
  url.protocol = "ws:";
  url.searchParams.set("token", s.plan.token);
  if (after !== null) url.searchParams.set("after", String(after));
  return url.href;
}

/** Opens (or reopens) a socket; resolves once the ready frame is in. */
function connect(s: Sock): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(socketUrl(s, s.lastSeq));
    s.ws = ws;
    s.closing = false;
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    ws.onmessage = (e) => {
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        error("non-JSON frame");
        return;
      }
      onFrame(s, frame);
      if (frame.type === "ready") {
        s.open = true;
        settle();
      }
    };
    ws.onclose = (e) => {
      s.open = false;
      settle();
      if (ws !== s.ws) return;
      s.ws = null;
      if (!s.closing && !stopping) {
        error(`unexpected close ${e.code}`, e.reason);
        later(() => void reopen(s), 1000);
      }
    };
    ws.onerror = () => {
      // A close event always follows; counted there.
    };
  });
}

async function reopen(s: Sock): Promise<void> {
  if (stopping || s.ws !== null) return;
  stats.reconnects++;
  await connect(s);
}

// deno-lint-ignore no-explicit-any
function onFrame(s: Sock, frame: any): void {
  switch (frame.type) {
    case "ready": {
      if (s.lastSeq !== null && frame.lastSeq < s.lastSeq) {
        error(
          "channel went back",
          `ready lastSeq ${frame.lastSeq} < seen ${s.lastSeq}`,
        );
      }
      if (s.lastSeq === null) s.lastSeq = frame.lastSeq;
      s.readyLastSeq = frame.lastSeq;
      return;
    }
    case "message": {
      const m = frame.message;
      if (m.channelId !== s.plan.channelId) {
        error("message from another channel", m.channelId);
        return;
      }
      const expected = (s.lastSeq ?? 0) + 1;
      if (m.seq < expected) {
        error("duplicate", `seq ${m.seq}, expected ${expected}`);
        return;
      }
      if (m.seq > expected) {
        error("gap", `seq ${m.seq}, expected ${expected}`);
      }
      s.lastSeq = m.seq;
      if (m.seq <= s.readyLastSeq) stats.replayed++;
      else {
        stats.delivered++;
        const match = /^m (\d+(?:\.\d+)?)$/.exec(m.content);
        if (match) {
          const ms = now() - Number(match[1]);
          const bucket = Math.max(
            0,
            Math.min(HISTOGRAM_BUCKETS - 1, Math.floor(ms * 10)),
          );
          histogram[bucket]++;
        }
      }
      const mine = m.author.id === s.plan.userId
        ? pending.get(m.clientId)
        : undefined;
      if (mine) {
        pending.delete(m.clientId);
        mine.s.unacked--;
        stats.acked++;
      }
      return;
    }
    case "error":
      error(`error frame ${frame.code}`, frame.detail);
      return;
    case "presence":
    case "typing":
    case "member":
    case "activity":
      return;
    default:
      error("unknown frame", JSON.stringify(frame).slice(0, 80));
  }
}

function scheduleSend(s: Sock): void {
  const meanMs = sockets.length / config.messagesPerSecond * 1000;
  s.sendTimer = later(() => {
    if (stopping) return;
    if (s.open && s.ws && !s.busy) {
      if (random() < 0.1) {
        s.ws.send(JSON.stringify({ type: "typing" }));
        stats.typingSent++;
      } else {
        const clientId = `w${config.id}-${counter++}`;
        const t = now();
        s.ws.send(
          JSON.stringify({ type: "message", content: `m ${t}`, clientId }),
        );
        pending.set(clientId, { t, s });
        s.unacked++;
        stats.sent++;
      }
    }
    scheduleSend(s);
  }, exponential(meanMs));
}

function scheduleReconnect(s: Sock): void {
  s.reconnectTimer = later(async () => {
    if (stopping) return;
    if (s.open && s.ws && !s.busy) {
      s.busy = true;
      await closeSocket(s);
      await reopen(s);
      s.busy = false;
    }
    scheduleReconnect(s);
  }, exponential(config.reconnectEverySeconds * 1000));
}

function closeSocket(s: Sock): Promise<void> {
  const ws = s.ws;
  if (!ws) return Promise.resolve();
  s.closing = true;
  return new Promise((resolve) => {
    ws.addEventListener("close", () => resolve(), { once: true });
    ws.close(1000);
  });
}

async function api(
  method: string,
  path: string,
  token: string,
  body?: BodyInit,
): Promise<Response> {
  return await fetch(new URL(path, config.base), {
    method,
    headers: { authorization: `Bearer ${token}` },
    body,
  });
}

/** A user joins another channel and moves one of their sockets there, like switching rooms. */
function scheduleJoin(): void {
  if (config.joinsPerSecond <= 0) return;
  later(async () => {
    if (stopping) return;
    const s = sockets[Math.floor(random() * sockets.length)];
    if (s.open && !s.busy) {
      s.busy = true;
      const target =
        config.channels[Math.floor(random() * config.channels.length)];
      try {
        const res = await api(
          "POST",
          `/channels/${target}/join`,
          s.plan.token,
        );
        await res.body?.cancel();
        if (res.status !== 200) error(`join ${res.status}`);
        else if (target !== s.plan.channelId && !stopping) {
          stats.joins++;
          // Its own messages come back on this channel: wait for them first.
          const deadline = Date.now() + 10_000;
          while (s.unacked > 0 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 50));
          }
          await closeSocket(s);
          s.plan = { ...s.plan, channelId: target };
          s.lastSeq = null;
          s.readyLastSeq = 0;
          await connect(s);
        }
      } catch (e) {
        error("join failed", String(e));
      }
      s.busy = false;
    }
    scheduleJoin();
  }, exponential(1000 / config.joinsPerSecond));
}

/** Uploads a small file to a socket's channel, and sometimes downloads it back. */
function scheduleUpload(): void {
  if (config.uploadsPerSecond <= 0) return;
  later(async () => {
    if (stopping) return;
    const s = sockets[Math.floor(random() * sockets.length)];
    const size = 1 + Math.floor(random() * 64 * 1024);
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) bytes[i] = Math.floor(random() * 256);
    const form = new FormData();
    form.append("content", `f ${now()}`);
    form.append("file", new Blob([bytes]), `soak-${counter++}.bin`);
    try {
      const res = await api(
        "POST",
        `/channels/${s.plan.channelId}/files`,
        s.plan.token,
        form,
      );
      if (res.status !== 201) {
        error(`upload ${res.status}`, (await res.text()).slice(0, 100));
      } else {
        stats.uploads++;
        const message = await res.json();
        if (random() < 0.3) {
          const down = await api("GET", message.file.url, s.plan.token);
          const got = new Uint8Array(await down.arrayBuffer());
          if (
            down.status !== 200 || got.length !== size ||
            !got.every((b, i) => b === bytes[i])
          ) {
            error("download mismatch", `${down.status} ${got.length}/${size}`);
          } else stats.downloads++;
        }
      }
    } catch (e) {
      // A channel switch may race the upload; the membership is kept, so any
      // failure here is real.
      error("upload failed", String(e));
    }
    scheduleUpload();
  }, exponential(1000 / config.uploadsPerSecond));
}

function snapshot(): WorkerStats {
  return {
    ...stats,
    errors: { ...stats.errors },
    examples: [...stats.examples],
    open: sockets.filter((s) => s.open).length,
    channels: perChannel(),
  };
}

function perChannel(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of sockets) {
    counts[s.plan.channelId] = (counts[s.plan.channelId] ?? 0) + 1;
  }
  return counts;
}

self.onmessage = async (e: MessageEvent) => {
  const msg = e.data;
  if (msg.type === "start") {
    config = msg.config;
    rngState = config.seed;
    for (const plan of config.sockets) {
      sockets.push({
        plan,
        ws: null,
        open: false,
        lastSeq: null,
        readyLastSeq: 0,
        closing: false,
        busy: false,
        unacked: 0,
      });
    }
    // Open in small batches, as tabs would over a few seconds.
    for (let i = 0; i < sockets.length; i += 25) {
      await Promise.all(sockets.slice(i, i + 25).map(connect));
    }
    for (const s of sockets) {
      scheduleSend(s);
      scheduleReconnect(s);
    }
    scheduleJoin();
    scheduleUpload();
    const progress = setInterval(
      () => self.postMessage({ type: "progress", stats: snapshot() }),
      2000,
    );
    timers.add(progress);
    self.postMessage({ type: "ready", stats: snapshot() });
  } else if (msg.type === "stop") {
    stopping = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    // Let sockets that were mid-reconnect come back, then let traffic settle.
    const deadline = Date.now() + 15_000;
    while (
      sockets.some((s) => !s.open || s.busy) && Date.now() < deadline
    ) {
      for (const s of sockets) {
        if (!s.open && !s.busy && s.ws === null) {
          s.busy = true;
          void connect(s).finally(() => (s.busy = false));
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 3000));
    self.postMessage({ type: "stopped" });
  } else if (msg.type === "verify") {
    const lastSeq: Record<string, number> = msg.lastSeq;
    for (const s of sockets) {
      if (!s.open) error("socket not open at the end");
      else if (s.lastSeq !== lastSeq[s.plan.channelId]) {
        error(
          "missing tail",
          `channel at ${lastSeq[s.plan.channelId]}, socket at ${s.lastSeq}`,
        );
      }
    }
    for (const [clientId] of pending) {
      error("message never acknowledged", clientId);
    }
    await Promise.all(sockets.map(closeSocket));
    self.postMessage({
      type: "result",
      stats: { ...snapshot(), histogram },
    });
  }
};
