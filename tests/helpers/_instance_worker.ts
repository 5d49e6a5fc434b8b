/**
 * One Hearth instance in a worker, for tests of several instances sharing one
 * KV file and one relay: the worker says `ready` once it listens (a message
 * sent before that can be lost while the server's modules load); `start` with
 * a database path and a relay name answers `started` with the instance's base
 * URL; `stop` shuts it down and answers `stopped`.
 */
/// <reference lib="deno.worker" />
import type { Config } from "../../lib/config.ts";
import { startTestServer } from "./server.ts";

/** What the test sends the worker. */
export type InstanceCommand =
  | {
    op: "start";
    db: string;
    relay: string | false;
    kvRelay: boolean;
    args?: string[];
    /** Config the flags do not reach, such as `offlineGraceMs`. */
    overrides?: Partial<Config>;
  }
  | { op: "stop" };

/** What the worker answers. */
export type InstanceReport =
  | { op: "ready" }
  | { op: "started"; base: string }
  | { op: "stopped" }
  | { op: "failed"; error: string };

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;

self.onmessage = async (e: MessageEvent<InstanceCommand>) => {
  try {
    if (e.data.op === "start") {
      server = await startTestServer([
        "--db",
        e.data.db,
        ...(e.data.args ?? []),
      ], {
        relay: e.data.relay,
        kvRelay: e.data.kvRelay,
        passwordCost: 4,
        ...e.data.overrides,
      });
      self.postMessage({ op: "started", base: server.base });
    } else {
      await server?.shutdown();
      self.postMessage({ op: "stopped" });
    }
  } catch (error) {
    self.postMessage({ op: "failed", error: String(error) });
  }
};

self.postMessage({ op: "ready" });
