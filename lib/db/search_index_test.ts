import assert from "node:assert/strict";
import { searchText } from "../shared/search_text.ts";
import { searchCursorKey } from "./_keys.ts";
import { createMessage } from "./messages.ts";
import { deleteMessage, editMessage } from "./message_changes.ts";
import { searchChannel } from "./search.ts";
import type { SearchIndex } from "./search_backend.ts";
import { catchUpChannel, rebuildSearchIndex } from "./search_index.ts";
import { kvSearchIndex } from "./search_kv.ts";
import { openSqliteSearchIndex } from "./search_sqlite.ts";
import { userWithChannel, withKv } from "./_test_utils.ts";
import { blockOf, decodeBlock, encodeBlock } from "./_search_blocks.ts";
import { bulkIndexChannel } from "./_search_bulk.ts";

// Both engines answer the same questions the same way.
const ENGINES: Record<string, (kv: Deno.Kv) => Promise<SearchIndex>> = {
  kv: (kv) => Promise.resolve(kvSearchIndex(kv)),
  sqlite: (kv) => openSqliteSearchIndex(kv, ":memory:"),
};

let index: SearchIndex;

const find = (kv: Deno.Kv, channelId: string, q: string, limit = 50) =>
  searchChannel(kv, index, channelId, {
    text: searchText(q),
    limit,
    accept: () => true,
  }).then((found) => found.map((m) => m.content));

// Runs `body` with `index` of `engine` open on a fresh in-memory KV.
const withIndex = (engine: string, body: (kv: Deno.Kv) => Promise<void>) =>
  withKv(async (kv) => {
    index = await ENGINES[engine](kv);
    try {
      await body(kv);
    } finally {
      index.close();
    }
  });

// Every key of the index, to compare two builds of it.
async function indexRows(kv: Deno.Kv): Promise<string[]> {
  const rows: string[] = [];
  for (const root of ["search_postings", "search_docs", "search_cursor"]) {
    for await (const e of kv.list({ prefix: [root] })) {
      rows.push(JSON.stringify([e.key, e.value]));
    }
  }
  return rows;
}

for (const engine of Object.keys(ENGINES)) {
  Deno.test(`${engine}: substrings in any script match; edits by their new text; deletions never`, () =>
    withIndex(engine, async (kv) => {
      const { user, channelId } = await userWithChannel(kv);
      const post = (content: string) =>
        createMessage(kv, { channelId, author: user, content });
      await post("Das Treffen ist um ZEHN");
      const cjk = await post("東京で会議があります");
      const edited = await post("the old wording");
      const gone = await post("deleted words here");
      await post("ﬁne ligature"); // NFKC: "fine"
      assert.deepEqual(await find(kv, channelId, "zehn"), [
        "Das Treffen ist um ZEHN",
      ]);
      assert.deepEqual(await find(kv, channelId, "会議"), [
        cjk.message.content,
      ]);
      assert.deepEqual(await find(kv, channelId, "京で会"), [
        cjk.message.content,
      ]);
      assert.deepEqual(await find(kv, channelId, "FINE"), ["ﬁne ligature"]);
      await editMessage(kv, channelId, edited.message.seq, {
        content: "the new wording",
        hasFile: false,
      });
      await deleteMessage(kv, channelId, gone.message.seq);
      assert.deepEqual(await find(kv, channelId, "old wording"), []);
      assert.deepEqual(await find(kv, channelId, "new wording"), [
        "the new wording",
      ]);
      assert.deepEqual(await find(kv, channelId, "deleted"), []);
      assert.deepEqual(await find(kv, channelId, "words here"), []);
    }));

  Deno.test(`${engine}: matches come newest first, limited, and below beforeSeq`, () =>
    withIndex(engine, async (kv) => {
      const { user, channelId } = await userWithChannel(kv);
      for (let i = 1; i <= 12; i++) {
        await createMessage(kv, {
          channelId,
          author: user,
          content: i % 2 ? `odd apple ${i}` : `even pear ${i}`,
        });
      }
      assert.deepEqual(await find(kv, channelId, "apple", 3), [
        "odd apple 11",
        "odd apple 9",
        "odd apple 7",
      ]);
      const older = await searchChannel(kv, index, channelId, {
        text: "apple",
        limit: 50,
        beforeSeq: 5,
        accept: () => true,
      });
      assert.deepEqual(older.map((m) => m.seq), [3, 1]);
      assert.deepEqual(await find(kv, channelId, "ar"), [
        "even pear 12",
        "even pear 10",
        "even pear 8",
        "even pear 6",
        "even pear 4",
        "even pear 2",
      ]);
    }));
}

Deno.test("an index redone from a rolled-back cursor (a kill between atomics) equals a rebuild", () =>
  withKv(async (kv) => {
    const { user, channelId } = await userWithChannel(kv);
    // Thousands of distinct grams: more block writes than one atomic takes.
    const long = Array.from(
      { length: 1500 },
      (_, i) => String.fromCodePoint(0x4e00 + i),
    ).join("");
    const first = await createMessage(kv, {
      channelId,
      author: user,
      content: long,
    });
    for (let i = 0; i < 150; i++) {
      await createMessage(kv, { channelId, author: user, content: `m${i}` });
    }
    await catchUpChannel(kv, channelId);
    index = kvSearchIndex(kv);
    assert.deepEqual(await find(kv, channelId, "\u4e00\u4e01"), [long]);
    await editMessage(kv, channelId, first.message.seq, {
      content: "short now",
      hasFile: false,
    });
    await catchUpChannel(kv, channelId);
    const built = await indexRows(kv);
    // As if killed after some postings were written but before the cursor moved.
    await kv.set(searchCursorKey(channelId), 0);
    await catchUpChannel(kv, channelId);
    assert.deepEqual(await indexRows(kv), built);
    await rebuildSearchIndex(kv);
    assert.deepEqual(await indexRows(kv), built);
    assert.deepEqual(await find(kv, channelId, "short"), ["short now"]);
    assert.deepEqual(await find(kv, channelId, "\u4e00\u4e01"), []);
  }));

Deno.test("the bulk rebuild over blocks and atomics equals the follower's index; one cut short is finished by the follower", () =>
  withKv(async (kv) => {
    const { user, channelId } = await userWithChannel(kv);
    const long = Array.from(
      { length: 1500 },
      (_, i) => String.fromCodePoint(0x4e00 + i),
    ).join("");
    // Two posting blocks (1,024 seqs each), one message with more grams
    // than one atomic takes, an edit and a deletion.
    await Promise.all(
      Array.from({ length: 1100 }, (_, i) =>
        createMessage(kv, {
          channelId,
          author: user,
          content: i === 1050 ? long : `word${i % 97} n${i}`,
        })),
    );
    await editMessage(kv, channelId, 3, { content: "edited", hasFile: false });
    await deleteMessage(kv, channelId, 1030);
    await catchUpChannel(kv, channelId);
    const built = await indexRows(kv);
    await rebuildSearchIndex(kv);
    assert.deepEqual(await indexRows(kv), built);
    // Written in windows of whole blocks, each block's row still once.
    for (const root of ["search_postings", "search_docs", "search_cursor"]) {
      for await (const e of kv.list({ prefix: [root] })) await kv.delete(e.key);
    }
    await bulkIndexChannel(kv, channelId, 100);
    assert.deepEqual(await indexRows(kv), built);
    // As if killed after the second block's postings, before its texts.
    for await (const e of kv.list({ prefix: ["search_docs", channelId] })) {
      if ((e.key[2] as number) >= 1024) await kv.delete(e.key);
    }
    await kv.set(searchCursorKey(channelId), 0);
    await catchUpChannel(kv, channelId);
    assert.deepEqual(await indexRows(kv), built);
    index = kvSearchIndex(kv);
    assert.deepEqual(await find(kv, channelId, "edited"), ["edited"]);
    assert.deepEqual(await find(kv, channelId, "\u4e00\u4e01"), [long]);
  }));

Deno.test("posting blocks round-trip their offsets, sorted; an empty block is no row", () => {
  assert.deepEqual(decodeBlock(encodeBlock([1023, 0, 7])), [0, 7, 1023]);
  assert.equal(encodeBlock([]), null);
  assert.deepEqual(decodeBlock(null), []);
  assert.equal(blockOf(1023), 0);
  assert.equal(blockOf(1024), 1);
});
