/**
 * One serving worker: a whole Hearth server (its own KV handle, hub, sockets
 * and caches) listening on the port it shares with the process's other
 * workers. The main thread (supervisor.ts) sends `start` once the worker says
 * `loaded` (a message sent while the modules load may be lost), then `stop`.
 */
/// <reference lib="deno.worker" />
import type { Config } from "../config.ts";
import { flushLogs, log, setLogSink } from "../log.ts";
import { type RunningServer, startServer } from "../server.ts";
import {
  BrokerClient,
  RemoteAddressCap,
  RemoteQuotas,
} from "./remote_counts.ts";

/** What the main thread tells a worker. */
export type WorkerCommand =
  | {
    op: "start";
    config: Config;
    index: number;
    count: number;
    /** The main thread's counts (quota_broker.ts). */
    broker: MessagePort;
    /** Commit turns shared by every worker's KV handle. */
    commitTurns: SharedArrayBuffer;
  }
  | { op: "stop" };

/** What a worker tells the main thread. */
export type WorkerReport =
  | { op: "loaded" }
  | { op: "listening"; port: number; url: string }
  | { op: "stopped" }
  | { op: "failed"; error: string };

let server: RunningServer | undefined;
let broker: BrokerClient | undefined;

self.onmessage = async (event: MessageEvent<WorkerCommand>) => {
  const command = event.data;
  if (command.op === "start") {
    const { config, index, count } = command;
    // Every log line says which worker wrote it: {"worker":1,"time":...}.
    const previous: (line: string) => void = setLogSink((line) =>
      previous(`{"worker":${index},${line.slice(1)}`)
    );
    broker = new BrokerClient(command.broker);
    try {
      server = await startServer(config, {
        index,
        count,
        quotas: new RemoteQuotas(config.userLimits, broker),
        addresses: new RemoteAddressCap(config.connections.perAddress, broker),
        commitTurns: command.commitTurns,
      });
    } catch (error) {
      report({
        op: "failed",
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    report({ op: "listening", port: server.port, url: server.url });
  } else {
    await server?.shutdown();
    broker?.close();
    log("info", "worker stopped");
    flushLogs();
    report({ op: "stopped" });
  }
};

function report(message: WorkerReport): void {
  self.postMessage(message);
}

report({ op: "loaded" });
