/**
 * Test helper run as a Web Worker: owns one relaying Hub and reports every
 * event it delivers, so hub_test.ts can check delivery across isolates.
 */
import type { Message } from "../shared/wire.ts";
import { Hub, messageEvent } from "./hub.ts";

/** Commands the test sends to this worker. */
export type RelayWorkerCommand =
  | { op: "start"; relay: string; channelId: string }
  | { op: "publish"; channelId: string; message: Message }
  | { op: "close" };

/** Reports this worker sends back: `ready` first, once it listens for commands. */
export type RelayWorkerReport =
  | { op: "ready" }
  | { op: "started" }
  | { op: "event"; kind: string; seq?: number; frameText: string }
  | { op: "closed" };

let hub: Hub | undefined;

function report(data: RelayWorkerReport): void {
  self.postMessage(data);
}

self.onmessage = (e: MessageEvent<RelayWorkerCommand>) => {
  const cmd = e.data;
  switch (cmd.op) {
    case "start":
      hub = new Hub({ relay: cmd.relay });
      hub.subscribe(cmd.channelId, (event) =>
        report({
          op: "event",
          kind: event.kind,
          seq: event.kind === "message" ? event.seq : undefined,
          frameText: event.frameText,
        }));
      report({ op: "started" });
      break;
    case "publish":
      hub?.publish(cmd.channelId, messageEvent(cmd.message));
      break;
    case "close":
      hub?.close();
      report({ op: "closed" });
      break;
  }
};

// A command posted before the handler above was set could be lost while the
// modules load: the test waits for this before it sends any.
report({ op: "ready" });
