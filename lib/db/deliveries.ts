/**
 * Bots' outgoing webhook deliveries: one log row per message sent to a bot
 * (kept a week, so admins can see what failed and why), and the queue the
 * attempts ride on (Deno KV's queue, so a delivery survives a restart and
 * never delays the message write that caused it). Through KV Connect, which
 * has no queue, attempts wait in the process's memory instead
 * (_memory_queue.ts): a restart drops them there.
 */
import { deliveriesPrefix, deliveryKey } from "./_keys.ts";
import { now } from "./_kv.ts";
import { memoryQueueOf } from "./_memory_queue.ts";
import { hasQueue } from "./open.ts";

/** Why a message was sent to a bot. */
export type DeliveryReason = "mention" | "dm" | "channel";

/** One delivery as the log keeps it. */
export interface DeliveryRecord {
  id: string;
  botId: string;
  url: string;
  reason: DeliveryReason;
  channelId: string;
  seq: number;
  /** `pending` while attempts remain, then `delivered` (a 2xx) or `failed`. */
  status: "pending" | "delivered" | "failed";
  attempts: number;
  /** The HTTP status of the latest attempt, null when none answered. */
  lastStatus: number | null;
  /** Why the latest attempt failed, null after a success. */
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An attempt waiting in the queue: what to send, and which attempt it is (0 first). */
export interface DeliveryJob {
  kind: "bot_delivery";
  deliveryId: string;
  botId: string;
  url: string;
  /** The JSON body, the same bytes every attempt (the signature covers them). */
  body: string;
  attempt: number;
}

// The log is for recent trouble; older rows expire on their own.
const LOG_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A delivery id that sorts by time: ms, zero-padded, then random. */
export function newDeliveryId(): string {
  return `${String(Date.now()).padStart(15, "0")}-${
    crypto.randomUUID().slice(0, 8)
  }`;
}

/** Logs a new delivery and queues its first attempt, in one atomic. */
export async function queueDelivery(
  kv: Deno.Kv,
  record: DeliveryRecord,
  job: DeliveryJob,
): Promise<void> {
  const op = kv.atomic()
    .set(deliveryKey(record.botId, record.id), record, {
      expireIn: LOG_TTL_MS,
    });
  const queued = hasQueue(kv);
  if (queued) op.enqueue(job);
  const result = await op.commit();
  if (!result.ok) throw new Error("Could not queue a webhook delivery");
  if (!queued) memoryQueueOf(kv).enqueue(job);
}

/**
 * Records an attempt's outcome and, when `retry` is given, queues the next
 * attempt after `retry.delayMs`, in one atomic.
 */
export async function recordAttempt(
  kv: Deno.Kv,
  job: DeliveryJob,
  change: Pick<DeliveryRecord, "status" | "lastStatus" | "error">,
  retry?: { delayMs: number },
): Promise<void> {
  const key = deliveryKey(job.botId, job.deliveryId);
  const entry = await kv.get<DeliveryRecord>(key);
  const op = kv.atomic();
  if (entry.value !== null) {
    op.set(key, {
      ...entry.value,
      ...change,
      attempts: job.attempt + 1,
      updatedAt: now(),
    }, { expireIn: LOG_TTL_MS });
  }
  const next = { ...job, attempt: job.attempt + 1 };
  const queued = hasQueue(kv);
  if (retry && queued) op.enqueue(next, { delay: retry.delayMs });
  const result = await op.commit();
  if (!result.ok) throw new Error("Could not record a webhook delivery");
  if (retry && !queued) memoryQueueOf(kv).enqueue(next, retry.delayMs);
}

/** The bot's latest `limit` deliveries, newest first. */
export async function listDeliveries(
  kv: Deno.Kv,
  botId: string,
  limit: number,
): Promise<DeliveryRecord[]> {
  const out: DeliveryRecord[] = [];
  const rows = kv.list<DeliveryRecord>({ prefix: deliveriesPrefix(botId) }, {
    reverse: true,
    limit,
  });
  for await (const row of rows) out.push(row.value);
  return out;
}

/** Whether a queued value is a delivery job (the queue may carry other kinds later). */
export function isDeliveryJob(value: unknown): value is DeliveryJob {
  return typeof value === "object" && value !== null &&
    (value as { kind?: unknown }).kind === "bot_delivery";
}

/**
 * Calls `handle` for every queued delivery job until the store closes. A
 * store has one queue listener: this is it.
 */
export function listenForDeliveries(
  kv: Deno.Kv,
  handle: (job: DeliveryJob) => Promise<void>,
): Promise<void> {
  const take = async (value: unknown) => {
    if (isDeliveryJob(value)) await handle(value);
  };
  if (hasQueue(kv)) return kv.listenQueue(take);
  // Without a queue (KV Connect) there is nothing to wait for.
  memoryQueueOf(kv).listen(take);
  return Promise.resolve();
}
