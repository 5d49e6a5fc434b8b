/**
 * The SQLite engine behind `SearchIndex`: an FTS5 table with the trigram
 * tokenizer, in a file beside the KV file, through the runtime's built-in
 * `node:sqlite` (loaded only when this engine is chosen, so Deno Deploy never
 * needs it). A query of 3 or more characters is an FTS5 phrase of its
 * trigrams; a 2-character one (no trigram) scans the channel's rows with LIKE.
 *
 * Each message is one row, its rowid the channel's number times 2^32 plus
 * 2^32 - 1 - its seq, so a channel's rows are one rowid range and newest
 * first is ascending rowid order, the order FTS5 reads its lists in (read in
 * descending order, a common word's query took six times as long). Each
 * channel's cursor (the last rev of its change log indexed) is updated in
 * the same transaction as the rows it covers: a kill -9 leaves both as they
 * were or both moved, and indexing again from the cursor rewrites the same rows.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { codePointLength } from "../shared/text.ts";
import {
  channelsPrefix,
  messageChangesPrefix,
  messageKey,
  messagesPrefix,
} from "./_keys.ts";
import { getManyChunked } from "./_kv.ts";
import type { MessageRecord } from "./_message_record.ts";
import { ChannelRuns, type SearchIndex } from "./search_backend.ts";
import { indexedText } from "./search_index.ts";
import { lastRev } from "./_search_bulk.ts";

// Rowids: channel number * SPAN + (SPAN - 1 - seq); numbers stay below 2^53
// for 2^21 channels.
const SPAN = 2 ** 32;

// The rowid of message `seq` of channel number `num`.
const rowidOf = (num: number, seq: number) => num * SPAN + (SPAN - 1 - seq);
// Changes applied per transaction.
const CHANGES_PER_STEP = 1000;
// Rows written per transaction by the bulk build of `rebuild`.
const BULK_ROWS = 20_000;
// Candidates read per query page.
const PAGE = 50;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS channels (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    rev INTEGER NOT NULL
  );
  CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(text, tokenize = 'trigram');
`;

/** The path of the search index beside the KV file `db`. */
export function sqliteIndexPath(db: string): string {
  return `${db}.search.sqlite`;
}

/** Opens (creating when needed) the FTS5 index at `path` (`:memory:` for tests) for `kv`. */
export async function openSqliteSearchIndex(
  kv: Deno.Kv,
  path: string,
): Promise<SearchIndex> {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(path);
  try {
    // WAL: readers never wait for the follower, and a killed process loses
    // at most transactions that never committed.
    db.exec("PRAGMA journal_mode = WAL");
    // No fsync per commit (one per checkpoint instead): the follower commits
    // several times a second while posts flow, and each fsync holds the event
    // loop for a millisecond or more. A killed process still loses nothing committed; a
    // power cut may lose the last commits, rows and cursor together, and the
    // follower indexes them again from the KV change log.
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec(SCHEMA);
    return new SqliteSearchIndex(kv, db);
  } catch (error) {
    db.close();
    throw error;
  }
}

class SqliteSearchIndex implements SearchIndex {
  readonly engine = "sqlite";
  #kv: Deno.Kv;
  #db: DatabaseSync;
  #runs = new ChannelRuns();
  #sql: Record<string, StatementSync>;

  constructor(kv: Deno.Kv, db: DatabaseSync) {
    this.#kv = kv;
    this.#db = db;
    const sql = (text: string) => db.prepare(text);
    this.#sql = {
      addChannel: sql("INSERT OR IGNORE INTO channels (id, rev) VALUES (?, 0)"),
      channel: sql("SELECT num, rev FROM channels WHERE id = ?"),
      setRev: sql("UPDATE channels SET rev = ? WHERE num = ?"),
      remove: sql("DELETE FROM docs WHERE rowid = ?"),
      add: sql("INSERT INTO docs (rowid, text) VALUES (?, ?)"),
      match: sql(
        "SELECT rowid FROM docs WHERE docs MATCH ? AND rowid > ? AND rowid < ? ORDER BY rowid LIMIT ?",
      ),
      // Over FTS5's own content table (docs_content: id is the rowid, c0 the
      // text): through the virtual table a LIKE the trigrams cannot serve
      // scans from the first channel's rows, 100 ms at 100,000 messages.
      like: sql(
        "SELECT id AS rowid FROM docs_content WHERE id > ? AND id < ? AND c0 LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
      ),
      dropRows: sql("DELETE FROM docs WHERE rowid >= ? AND rowid < ?"),
      dropChannel: sql("DELETE FROM channels WHERE num = ?"),
    };
  }

  catchUp(channelId: string): Promise<void> {
    return this.#runs.after(channelId, async () => {
      while (await this.#step(channelId));
    });
  }

  async *candidates(
    channelId: string,
    text: string,
    beforeSeq?: number,
  ): AsyncGenerator<number> {
    const channel = this.#channel(channelId);
    if (channel === undefined) return;
    const base = channel.num * SPAN;
    // Rowids above `after` and below `end`: seqs below `beforeSeq`, newest first.
    let after = beforeSeq === undefined
      ? base - 1
      : rowidOf(channel.num, beforeSeq);
    const end = base + SPAN;
    const long = codePointLength(text) >= 3;
    while (true) {
      const rows = long
        ? this.#sql.match.all(phrase(text), after, end, PAGE)
        : this.#sql.like.all(after, end, likePattern(text), PAGE);
      for (const row of rows) yield base + SPAN - 1 - Number(row.rowid);
      if (rows.length < PAGE) return;
      after = Number(rows[rows.length - 1].rowid);
    }
  }

  dropChannel(channelId: string): Promise<void> {
    return this.#runs.after(channelId, () => {
      const channel = this.#channel(channelId);
      if (channel === undefined) return Promise.resolve();
      this.#transaction(() => {
        const base = channel.num * SPAN;
        this.#sql.dropRows.run(base, base + SPAN);
        this.#sql.dropChannel.run(channel.num);
      });
      return Promise.resolve();
    });
  }

  async rebuild(): Promise<number> {
    this.#transaction(() => {
      this.#db.exec("DELETE FROM docs; DELETE FROM channels;");
    });
    let channels = 0;
    for await (const entry of this.#kv.list({ prefix: channelsPrefix })) {
      const channelId = entry.key[1] as string;
      // Built whole from the messages, then the changes since from the log.
      await this.#runs.after(channelId, () => this.#bulk(channelId));
      await this.catchUp(channelId);
      channels++;
    }
    return channels;
  }

  close(): void {
    this.#db.close();
  }

  #channel(channelId: string): { num: number; rev: number } | undefined {
    const row = this.#sql.channel.get(channelId);
    return row === undefined
      ? undefined
      : { num: Number(row.num), rev: Number(row.rev) };
  }

  // Writes every stored message of the channel, BULK_ROWS per transaction,
  // newest first (ascending rowids). Each transaction leaves the cursor at 0
  // but the last, which moves it to the rev read before the scan: a kill -9
  // midway leaves the follower to index from the start, over the same rows.
  async #bulk(channelId: string): Promise<void> {
    const rev = await lastRev(this.#kv, channelId);
    this.#sql.addChannel.run(channelId);
    const { num } = this.#channel(channelId)!;
    let batch: [number, string][] = [];
    const write = (cursor: number) => {
      this.#transaction(() => {
        for (const [seq, text] of batch) {
          const rowid = rowidOf(num, seq);
          this.#sql.remove.run(rowid);
          this.#sql.add.run(rowid, text);
        }
        this.#sql.setRev.run(cursor, num);
      });
      batch = [];
    };
    const rows = this.#kv.list<MessageRecord>(
      { prefix: messagesPrefix(channelId) },
      { reverse: true, batchSize: 1000 },
    );
    for await (const row of rows) {
      const seq = row.key[2];
      if (row.key.length !== 3 || typeof seq !== "number") continue;
      const text = indexedText(row.value);
      if (text !== null) batch.push([seq, text]);
      if (batch.length >= BULK_ROWS) write(0);
    }
    write(rev);
  }

  // Applies up to CHANGES_PER_STEP changes of the log; false when none was left.
  async #step(channelId: string): Promise<boolean> {
    this.#sql.addChannel.run(channelId);
    const { num, rev } = this.#channel(channelId)!;
    const prefix = messageChangesPrefix(channelId);
    const seqs = new Set<number>();
    let lastRev = rev;
    const list = this.#kv.list<number>(
      { prefix, start: [...prefix, rev + 1] },
      { limit: CHANGES_PER_STEP },
    );
    for await (const entry of list) {
      lastRev = Number(entry.key[2]);
      seqs.add(entry.value);
    }
    if (seqs.size === 0) return false;
    const records = await getManyChunked<MessageRecord>(
      this.#kv,
      [...seqs].map((seq) => messageKey(channelId, seq)),
    );
    const texts = records.map(({ value }) =>
      value === null ? null : indexedText(value)
    );
    this.#transaction(() => {
      // Another process (`hearth reindex`) moved the cursor meanwhile: read again.
      if (this.#channel(channelId)?.rev !== rev) return;
      [...seqs].forEach((seq, i) => {
        const rowid = rowidOf(num, seq);
        this.#sql.remove.run(rowid);
        if (texts[i] !== null) this.#sql.add.run(rowid, texts[i]);
      });
      this.#sql.setRev.run(lastRev, num);
    });
    return true;
  }

  #transaction(body: () => void): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      body();
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }
}

// An FTS5 phrase: the text's trigrams in order, that is, the text as a substring.
function phrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

// A LIKE pattern for the text anywhere, its own % _ and \ taken literally.
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
