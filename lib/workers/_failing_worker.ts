/**
 * A stand-in serving worker for supervisor_test.ts: it answers like
 * serving_worker.ts without serving; worker 1 throws an uncaught error soon
 * after it says it listens, as a worker that breaks under load would.
 */
/// <reference lib="deno.worker" />
import type { WorkerCommand, WorkerReport } from "./serving_worker.ts";

const report = (message: WorkerReport) => self.postMessage(message);

self.onmessage = (event: MessageEvent<WorkerCommand>) => {
  const command = event.data;
  if (command.op === "stop") return report({ op: "stopped" });
  report({ op: "listening", port: 1, url: "http://127.0.0.1:1/" });
  if (command.index === 1) {
    setTimeout(() => {
      throw new Error("worker 1 broke");
    }, 50);
  }
};

report({ op: "loaded" });
