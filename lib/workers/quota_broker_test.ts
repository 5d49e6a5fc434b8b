import assert from "node:assert/strict";
import { ApiError } from "../errors.ts";
import type { UserLimits } from "../chat/user_limits.ts";
import { withDeadline } from "../../tests/helpers/deadline.ts";
import { QuotaBroker } from "./quota_broker.ts";
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import {
  BrokerClient,
  RemoteAddressCap,
  RemoteQuotas,
} from "./remote_counts.ts";

const LIMITS: UserLimits = {
  enabled: true,
  messagesPerSecond: 1,
  messageBurst: 2,
  channelsPerHour: 10,
  socketsPerUser: 1,
  storageBytes: 1024,
};

// Two workers' clients on one broker, as the supervisor wires them.
function wire(limits = LIMITS) {
  const broker = new QuotaBroker(limits, 0);
  const ends = [new MessageChannel(), new MessageChannel()];
  const gone = ends.map((c) => broker.serve(c.port1));
  const clients = ends.map((c) => new BrokerClient(c.port2));
  const quotas = clients.map((b) => new RemoteQuotas(limits, b));
  const close = () => {
    for (const client of clients) client.close();
    for (const release of gone) release();
  };
  return { quotas, gone, close };
}

// Every test body runs under a deadline: a lost answer fails, never hangs.
function test(name: string, body: () => Promise<void>): void {
  Deno.test(name, () => withDeadline(body(), 10_000, name));
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(() => null, (e) => e);
  assert.ok(error instanceof ApiError, `refused: ${error}`);
  return error;
}

test("the message burst is one for every worker, refused with the use case's 429", async () => {
  const { quotas, close } = wire();
  try {
    await quotas[0].takeMessage("ada");
    await quotas[1].takeMessage("ada");
    const error = await refusal(quotas[0].takeMessage("ada"));
    assert.equal(error.status, 429);
    assert.equal(error.code, "rate_limited");
    assert.match(error.message, /1 messages a second \(2 at once\)/);
    assert.equal(error.headers["Retry-After"], "1");
    // Another user has a budget of their own.
    await quotas[1].takeMessage("bo");
  } finally {
    close();
  }
});

test("a socket counted on one worker holds the cap on the other until released", async () => {
  const { quotas, close } = wire();
  try {
    const release = await quotas[0].openSocket("ada");
    assert.equal((await refusal(quotas[1].openSocket("ada"))).status, 429);
    release();
    release(); // Twice is once.
    const again = await quotas[1].openSocket("ada");
    assert.equal((await refusal(quotas[0].openSocket("ada"))).status, 429);
    again();
  } finally {
    close();
  }
});

test("what a worker held is given back when it ends", async () => {
  const { quotas, gone, close } = wire();
  try {
    await quotas[0].openSocket("ada");
    gone[0]();
    const release = await quotas[1].openSocket("ada");
    release();
  } finally {
    close();
  }
});

test("with the limits lifted, messages pass and sockets have no cap across workers", async () => {
  const { quotas, close } = wire({ ...LIMITS, enabled: false });
  try {
    for (let i = 0; i < 10; i++) await quotas[0].takeMessage("ada");
    // Sockets are still counted, and the cap is lifted.
    const releases = [
      await quotas[0].openSocket("ada"),
      await quotas[1].openSocket("ada"),
    ];
    for (const release of releases) release();
  } finally {
    close();
  }
});

// Just what the cap touches of a connection: its address, close and destroy.
class FakeSocket extends EventEmitter {
  destroyed = false;
  constructor(readonly remoteAddress: string) {
    super();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit("close");
  }
}

test("the per-address cap counts connections on every worker, and a connection closed early gives its share back", async () => {
  const broker = new QuotaBroker(LIMITS, 1);
  const ends = [new MessageChannel(), new MessageChannel()];
  const gone = ends.map((c) => broker.serve(c.port1));
  const clients = ends.map((c) => new BrokerClient(c.port2));
  const caps = clients.map((b) => new RemoteAddressCap(1, b));
  const admit = (worker: number) => {
    const socket = new FakeSocket("10.0.0.1");
    caps[worker].admit(socket as unknown as Socket);
    return socket;
  };
  // A round trip on a worker's port: what it sent before has been answered.
  const sync = (worker: number) =>
    clients[worker].ask({ op: "message", userId: crypto.randomUUID() });
  try {
    const first = admit(0);
    await sync(0);
    const second = admit(1);
    await sync(1);
    assert.equal(second.destroyed, true, "past the cap over both workers");
    assert.equal(first.destroyed, false);
    first.destroy();
    await sync(0);
    // Closed before the main thread answered: its share still comes back.
    const third = admit(1);
    third.destroy();
    await sync(1);
    await sync(1);
    const fourth = admit(0);
    await sync(0);
    assert.equal(fourth.destroyed, false, "room again after both closed");
    // Another address has its own count.
    const other = new FakeSocket("10.0.0.2");
    caps[1].admit(other as unknown as Socket);
    await sync(1);
    assert.equal(other.destroyed, false);
  } finally {
    for (const client of clients) client.close();
    for (const release of gone) release();
  }
});
