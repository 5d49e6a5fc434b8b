/**
 * One writer of bench/writer_conflicts.ts: its own KV handle on the shared
 * file, `senders` concurrent posters into one channel through lib/db (the
 * group commit of `_message_writer.ts`), and a count of commits that failed
 * their check (another handle moved the channel's counter first).
 */
/// <reference lib="deno.worker" />
import { createMessage } from "../lib/db/messages.ts";
import { shareCommitTurns } from "../lib/db/commit_turns.ts";

/** What the bench asks of a writer. */
export interface WriterJob {
  db: string;
  channelId: string;
  author: { id: string; username: string; displayName: string };
  senders: number;
  perSender: number;
  /** Writers start together at this `Date.now()`. */
  startAt: number;
  /**
   * Routed runs: the owner commits what the other writers send it through
   * `port` (one writer per channel); a forwarder sends its posts there.
   */
  route?: { role: "owner" | "forwarder"; port: MessagePort };
  /** Commit turns shared with the other writers (what `--workers` installs). */
  turns?: SharedArrayBuffer;
}

/** What a writer answers. */
export interface WriterResult {
  posts: number;
  commits: number;
  failed: number;
  ms: number;
}

self.onmessage = async (event: MessageEvent<WriterJob>) => {
  const job = event.data;
  const kv = await Deno.openKv(job.db);
  if (job.turns) shareCommitTurns(kv, job.turns);
  let commits = 0;
  let failed = 0;
  const commit = Deno.AtomicOperation.prototype.commit;
  Deno.AtomicOperation.prototype.commit = async function () {
    const result = await commit.call(this);
    commits++;
    if (!result.ok) failed++;
    return result;
  };
  const post = (content: string) =>
    createMessage(kv, {
      channelId: job.channelId,
      author: job.author,
      content,
    });
  let send: (content: string) => Promise<unknown> = post;
  const { route } = job;
  const othersDone = Promise.withResolvers<void>();
  if (route?.role === "owner") {
    route.port.onmessage = async (
      e: MessageEvent<{ id: number; content: string } | { done: true }>,
    ) => {
      if ("done" in e.data) return othersDone.resolve();
      const { id, content } = e.data;
      const { message } = await post(content);
      route.port.postMessage({ id, seq: message.seq });
    };
  } else if (route?.role === "forwarder") {
    const waiting = new Map<number, () => void>();
    let nextId = 0;
    route.port.onmessage = (e: MessageEvent<{ id: number }>) => {
      waiting.get(e.data.id)?.();
      waiting.delete(e.data.id);
    };
    send = (content) => {
      const id = nextId++;
      const { promise, resolve } = Promise.withResolvers<void>();
      waiting.set(id, resolve);
      route.port.postMessage({ id, content });
      return promise;
    };
  }
  await new Promise((r) =>
    setTimeout(r, Math.max(0, job.startAt - Date.now()))
  );
  const started = performance.now();
  await Promise.all(
    Array.from({ length: job.senders }, async (_, s) => {
      for (let i = 0; i < job.perSender; i++) {
        await send(`post ${s}.${i} from a writer`);
      }
    }),
  );
  const ms = performance.now() - started;
  // The owner keeps committing for the others until they are done.
  if (route?.role === "owner") await othersDone.promise;
  if (route?.role === "forwarder") route.port.postMessage({ done: true });
  kv.close();
  self.postMessage(
    {
      posts: job.senders * job.perSender,
      commits,
      failed,
      ms,
    } satisfies WriterResult,
  );
};
