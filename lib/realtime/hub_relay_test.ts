import assert from "node:assert/strict";
import type {
  RelayWorkerCommand,
  RelayWorkerReport,
} from "./_relay_worker_test_helper.ts";
import { waitFor, withDeadline } from "../../tests/helpers/deadline.ts";
import { delay, makeMessage } from "./_test_helpers.ts";
import { Hub, type HubEvent, messageEvent } from "./hub.ts";

Deno.test("Hub relay delivers between two hubs in one isolate without echo", async () => {
  const relay = `hearth-test-${crypto.randomUUID()}`;
  const [a, b] = [new Hub({ relay }), new Hub({ relay })];
  const gotA: HubEvent[] = [];
  const gotB: HubEvent[] = [];
  a.subscribe("c", (e) => gotA.push(e));
  b.subscribe("c", (e) => gotB.push(e));
  try {
    a.publish("c", messageEvent(makeMessage("c", 1)));
    await waitFor(() => gotB.length >= 1, { what: "The relayed event in b" });
    // A window for an echo back to a, to prove there is none.
    await delay(50);
    assert.deepEqual(gotA.map((e) => e.kind === "message" && e.seq), [1]);
    assert.deepEqual(gotB.map((e) => e.kind === "message" && e.seq), [1]);
    assert.equal(gotB[0].frameText, gotA[0].frameText);
  } finally {
    a.close();
    b.close();
  }
});

/** A relay worker plus the reports it has sent. */
interface WorkerHandle {
  worker: Worker;
  events: Extract<RelayWorkerReport, { op: "event" }>[];
  next(op: RelayWorkerReport["op"]): Promise<void>;
  /** Settles once the worker listens for commands. */
  ready: Promise<void>;
  send(cmd: RelayWorkerCommand): void;
}

function startWorker(): WorkerHandle {
  const worker = new Worker(
    new URL("./_relay_worker_test_helper.ts", import.meta.url),
    { type: "module" },
  );
  const waiting = new Map<string, () => void>();
  const handle: WorkerHandle = {
    worker,
    events: [],
    next: (op) =>
      withDeadline(
        new Promise((resolve) => waiting.set(op, resolve)),
        // A cold worker loads and transpiles the hub's module graph first,
        // which took over 10 s on a loaded 2-core machine.
        op === "ready" ? 30_000 : 10_000,
        `The worker's "${op}" report`,
      ),
    ready: Promise.resolve(),
    send: (cmd) => worker.postMessage(cmd),
  };
  handle.ready = handle.next("ready");
  worker.onmessage = (e: MessageEvent<RelayWorkerReport>) => {
    if (e.data.op === "event") handle.events.push(e.data);
    waiting.get(e.data.op)?.();
    waiting.delete(e.data.op);
  };
  return handle;
}

Deno.test("Hub.publish() reaches a subscriber in another worker", async () => {
  const relay = `hearth-test-${crypto.randomUUID()}`;
  const workers = [startWorker(), startWorker()];
  const main = new Hub({ relay });
  const mainEvents: HubEvent[] = [];
  main.subscribe("c", (e) => mainEvents.push(e));
  try {
    for (const w of workers) {
      await w.ready;
      const started = w.next("started");
      w.send({ op: "start", relay, channelId: "c" });
      await started;
    }
    const [w1, w2] = workers;
    w1.send({ op: "publish", channelId: "c", message: makeMessage("c", 1) });
    w1.send({
      op: "publish",
      channelId: "other",
      message: makeMessage("other", 1),
    });
    main.publish("c", messageEvent(makeMessage("c", 2)));
    await waitFor(
      () =>
        w1.events.length >= 2 && w2.events.length >= 2 &&
        mainEvents.length >= 2,
      { what: "Both events everywhere", timeoutMs: 5000 },
    );
    // Time for any echo or duplicate to show up.
    await delay(100);
    for (const seqs of [w1, w2].map((w) => w.events.map((e) => e.seq))) {
      assert.deepEqual(seqs.toSorted(), [1, 2]);
    }
    assert.deepEqual(
      mainEvents.map((e) => e.kind === "message" && e.seq).toSorted(),
      [1, 2],
    );
    const relayed = w2.events.find((e) => e.seq === 1)!;
    assert.deepEqual(JSON.parse(relayed.frameText), {
      type: "message",
      message: makeMessage("c", 1),
    });
  } finally {
    main.close();
    for (const w of workers) {
      const closed = w.next("closed");
      w.send({ op: "close" });
      await closed;
      w.worker.terminate();
    }
  }
});
