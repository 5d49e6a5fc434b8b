/**
 * `--workers N`: the main thread starts N serving workers (Deno Workers in
 * this process, see serving_worker.ts) on one port, keeps the counts they
 * share (quota_broker.ts), stops them all on shutdown, and reports a worker
 * that failed so the process can exit non-zero instead of serving on with
 * fewer workers than asked.
 */
import { LATE, within } from "../within.ts";
import type { Config } from "../config.ts";
import { log } from "../log.ts";
import { newCommitTurns } from "../db/commit_turns.ts";
import { QuotaBroker } from "./quota_broker.ts";
import type { WorkerCommand, WorkerReport } from "./serving_worker.ts";

/** How long a worker may take to load and listen, or to stop. */
const START_TIMEOUT_MS = 60_000;
/** Longer than a server's own shutdown grace (10 s, serve.ts). */
const STOP_TIMEOUT_MS = 20_000;

/** Serving workers of this process, running. */
export interface RunningWorkers {
  /** The address to open, as a single server prints it. */
  url: string;
  port: number;
  /** Settles with the failure of any worker (an uncaught error); never while all run. */
  failed: Promise<Error>;
  /** Stops every worker (sockets closed with 1001, KV closed), then ends them. */
  shutdown(): Promise<void>;
}

interface Running {
  index: number;
  worker: Worker;
  release: () => void;
  reports: ReadableStreamDefaultReader<WorkerReport>;
}

/** The worker module; tests give one that fails on purpose. */
const SERVING_WORKER = new URL("./serving_worker.ts", import.meta.url);

/** Starts `config.workers` serving workers; the first alone, then the rest on its port. */
export async function startWorkers(
  config: Config,
  module: URL = SERVING_WORKER,
): Promise<RunningWorkers> {
  const broker = new QuotaBroker(
    config.userLimits,
    config.connections.perAddress,
  );
  const { promise: failed, resolve: fail } = Promise.withResolvers<Error>();
  const running: Running[] = [];
  const stopAll = async () => {
    await Promise.all(running.map((r) => stopWorker(r)));
  };
  try {
    // The first creates what a fresh database needs, and picks the port if asked for 0.
    const start = { module, broker, fail, running, turns: newCommitTurns() };
    const first = await startWorker(config, 0, start);
    const port = first.port;
    const rest = [];
    for (let i = 1; i < config.workers; i++) {
      rest.push(startWorker({ ...config, port }, i, start));
    }
    await Promise.all(rest);
    let closing: Promise<void> | null = null;
    return {
      url: first.url,
      port,
      failed,
      shutdown() {
        return closing ??= stopAll().then(() => log("info", "stopped"));
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startWorker(
  config: Config,
  index: number,
  { module, broker, fail, running, turns }: {
    module: URL;
    broker: QuotaBroker;
    turns: SharedArrayBuffer;
    fail: (error: Error) => void;
    running: Running[];
  },
): Promise<{ port: number; url: string }> {
  const worker = new Worker(module, {
    type: "module",
    name: `hearth-worker-${index}`,
  });
  const channel = new MessageChannel();
  const release = broker.serve(channel.port1);
  // Reports as a stream, so each wait reads the next one in order.
  let push!: ReadableStreamDefaultController<WorkerReport>;
  const stream = new ReadableStream<WorkerReport>({
    start: (c) => void (push = c),
  });
  const entry: Running = {
    index,
    worker,
    release,
    reports: stream.getReader(),
  };
  running.push(entry);
  worker.onmessage = (e: MessageEvent<WorkerReport>) => push.enqueue(e.data);
  worker.onerror = (e: ErrorEvent) => {
    // Handled here: unhandled, it would end this thread with no clean stop.
    e.preventDefault();
    const error = new Error(`serving worker ${index} failed: ${e.message}`);
    log("error", "a serving worker failed", {
      worker: index,
      error: e.message,
    });
    push.error(error);
    fail(error);
  };
  await next(entry, "loaded", START_TIMEOUT_MS, index);
  worker.postMessage(
    {
      op: "start",
      config,
      index,
      count: config.workers,
      broker: channel.port2,
      commitTurns: turns,
    } satisfies WorkerCommand,
    [channel.port2],
  );
  const listening = await next(entry, "listening", START_TIMEOUT_MS, index);
  return { port: listening.port, url: listening.url };
}

// The worker's next report, which must be `op`; a failure or silence throws.
async function next<Op extends WorkerReport["op"]>(
  entry: Running,
  op: Op,
  timeoutMs: number,
  index: number,
): Promise<Extract<WorkerReport, { op: Op }>> {
  const read = await within(entry.reports.read(), timeoutMs);
  if (read === LATE) {
    throw new Error(`serving worker ${index} did not report ${op} in time`);
  }
  const { value } = read;
  if (value?.op === "failed") throw new Error(value.error);
  if (value?.op !== op) {
    throw new Error(`serving worker ${index} said ${value?.op}, not ${op}`);
  }
  return value as Extract<WorkerReport, { op: Op }>;
}

// Asks the worker to stop, waits a bounded time, then ends it either way.
async function stopWorker(entry: Running): Promise<void> {
  try {
    entry.worker.postMessage({ op: "stop" } satisfies WorkerCommand);
    await next(entry, "stopped", STOP_TIMEOUT_MS, entry.index);
  } catch (error) {
    log("warn", "a serving worker did not stop cleanly", {
      error: String(error),
    });
  } finally {
    entry.worker.terminate();
    entry.release();
  }
}
