/**
 * The search index behind `GET /search`, one interface with two engines,
 * chosen once at start (see `openSearchIndex`): SQLite's FTS5 (trigram
 * tokenizer, through the runtime's built-in `node:sqlite`) in a file beside
 * a local KV file, and the KV n-gram index where there is no file system
 * (Deno Deploy, KV Connect, `:memory:`). Either is kept by a follower of each
 * channel's change log and only names candidates: `searchChannel` checks each
 * against the message as stored in KV now, so both give the same results.
 */
import { onChangesCommitted } from "./_message_writer.ts";

/** Which engine an index is. */
export type SearchEngine = "kv" | "sqlite";

/** The engine asked for (`HEARTH_SEARCH_INDEX`): `auto` picks by where the database lives. */
export type SearchChoice = "auto" | SearchEngine;

/** A search index: follows the change log, and names candidate messages. */
export interface SearchIndex {
  /** Which engine this is. */
  readonly engine: SearchEngine;
  /** Brings the channel's index up to its latest change; resolves when it is. */
  catchUp(channelId: string): Promise<void>;
  /**
   * Seqs of messages that may hold `text` (normalized, 2 characters or more),
   * newest first, below `beforeSeq` when given. A superset is fine: every
   * candidate is checked against the stored message.
   */
  candidates(
    channelId: string,
    text: string,
    beforeSeq?: number,
  ): AsyncGenerator<number>;
  /** Forgets a deleted channel's rows. */
  dropChannel(channelId: string): Promise<void>;
  /** Drops the whole index and builds it again from KV; returns the channels indexed. */
  rebuild(): Promise<number>;
  /** Releases what the index holds open. */
  close(): void;
}

/**
 * Follows commits in this process and brings each changed channel's index up
 * shortly after (a search catches up by itself too, so this only keeps it
 * cheap). Returns the function that stops following and waits for runs in flight.
 *
 * A run every 250 ms rather than 50: each run pays a change-log read, a
 * message read and a transaction however few messages it indexes, which under
 * a stream of posts cost more than the rows themselves.
 */
export function followChanges(
  kv: Deno.Kv,
  index: Pick<SearchIndex, "catchUp">,
  delayMs = 250,
): () => Promise<void> {
  const dirty = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    for (const channelId of dirty) {
      const run = index.catchUp(channelId).catch(() => {
        // Retried by the next commit or search in this channel.
      });
      inFlight.add(run);
      run.then(() => inFlight.delete(run));
    }
    dirty.clear();
  };
  const unsubscribe = onChangesCommitted(kv, (channelId) => {
    dirty.add(channelId);
    timer ??= setTimeout(flush, delayMs);
  });
  return async () => {
    unsubscribe();
    if (timer !== undefined) clearTimeout(timer);
    await Promise.all(inFlight);
  };
}

/**
 * One run at a time per index and channel in this process; callers that
 * arrive during a run wait for one more run after it, which sees their change.
 */
export class ChannelRuns {
  #runs = new Map<string, Promise<void>>();

  /** Runs `run` for `channelId` after any run in flight for it. */
  after(channelId: string, run: () => Promise<void>): Promise<void> {
    const previous = this.#runs.get(channelId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(run);
    this.#runs.set(channelId, next);
    const forget = () => {
      if (this.#runs.get(channelId) === next) this.#runs.delete(channelId);
    };
    next.then(forget, forget);
    return next;
  }
}
