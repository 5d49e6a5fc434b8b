/// <reference lib="deno.worker" />
/**
 * A share of the fan-out benchmark's receiving clients, run in a Web Worker so
 * the clients use more than one core. Every client parses every frame, and
 * records send-to-deliver latency of benchmark messages.
 */

/** Commands from bench/fanout.ts. */
export type WorkerCommand =
  | {
    op: "connect";
    urls: string[];
    waitReady: boolean;
    /** Sockets opening at once (default 25); the connect storm opens all. */
    concurrency?: number;
  }
  | { op: "idle" }
  | { op: "measure"; phase: number; messages: number }
  | { op: "report" };

/** Answers to bench/fanout.ts. */
export type WorkerReport =
  | {
    op: "connected";
    count: number;
    failed: number;
    lastAt: number;
    /** Failures by how they ended: "close 1013", "error" ... */
    causes: Record<string, number>;
    /** When each socket opened and (waiting for `ready`) became usable. */
    openedAt: number[];
    usableAt: number[];
  }
  | { op: "idle"; quietMs: number }
  | {
    op: "done";
    phase: number;
    count: number;
    /** Deliveries this worker's sockets were due. */
    expected: number;
    lastAt: number;
    latencies: Float64Array;
  };

// The benchmark payload inside a message's content: phase, index, send time.
interface Payload {
  p: number;
  i: number;
  t: number;
}

const CONNECT_CONCURRENCY = 25;
const sockets: WebSocket[] = [];
const causes: Record<string, number> = {};
const openedAt: number[] = [];
const usableAt: number[] = [];
let lastFrameAt = now();
let phase = -1;
let expected = 0;
let count = 0;
let lastAt = 0;
let latencies = new Float64Array(0);

function now(): number {
  // timeOrigin + now() is comparable across the main thread and workers.
  return performance.timeOrigin + performance.now();
}

function post(report: WorkerReport): void {
  self.postMessage(report);
}

function onFrame(e: MessageEvent): void {
  const at = now();
  lastFrameAt = at;
  const frame = JSON.parse(e.data);
  if (frame.type !== "message") return;
  const payload = JSON.parse(frame.message.content) as Payload;
  if (payload.p !== phase) return;
  latencies[count++] = at - payload.t;
  lastAt = at;
  if (count === expected) finish();
}

function finish(): void {
  post({
    op: "done",
    phase,
    count,
    expected,
    lastAt,
    latencies: latencies.slice(0, count),
  });
  phase = -1;
}

function open(url: string, waitReady: boolean): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    let settled = false;
    const done = (ok: boolean, cause = "") => {
      if (settled) return;
      settled = true;
      if (!ok) causes[cause] = (causes[cause] ?? 0) + 1;
      if (ok) {
        usableAt.push(now());
        socket.onmessage = onFrame;
        resolve(socket);
      } else resolve(null);
    };
    socket.onopen = () => {
      openedAt.push(now());
      if (!waitReady) done(true);
    };
    socket.onmessage = (e) => {
      lastFrameAt = now();
      if (waitReady && JSON.parse(e.data).type === "ready") done(true);
    };
    socket.onerror = () => done(false, "error");
    socket.onclose = (e) => done(false, `close ${e.code}`);
  });
}

async function connect(
  urls: string[],
  waitReady: boolean,
  concurrency: number,
): Promise<void> {
  let failed = 0;
  for (let i = 0; i < urls.length; i += concurrency) {
    const batch = await Promise.all(
      urls.slice(i, i + concurrency).map((u) => open(u, waitReady)),
    );
    for (const socket of batch) {
      if (socket) sockets.push(socket);
      else failed++;
    }
  }
  post({
    op: "connected",
    count: sockets.length,
    failed,
    lastAt: now(),
    causes,
    openedAt,
    usableAt,
  });
}

self.onmessage = (e: MessageEvent<WorkerCommand>) => {
  const cmd = e.data;
  switch (cmd.op) {
    case "connect":
      void connect(
        cmd.urls,
        cmd.waitReady,
        cmd.concurrency ?? CONNECT_CONCURRENCY,
      );
      break;
    case "idle":
      post({ op: "idle", quietMs: now() - lastFrameAt });
      break;
    case "measure":
      phase = cmd.phase;
      expected = sockets.length * cmd.messages;
      count = 0;
      lastAt = 0;
      latencies = new Float64Array(expected);
      break;
    case "report":
      if (phase !== -1) finish();
      break;
  }
};
