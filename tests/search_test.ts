/**
 * `GET /search` over HTTP: matching, every filter, paging, who may read what
 * (left channels, private channels, deletions), every refusal, fuzzed
 * queries, and `hearth reindex` as the real program; each against both
 * engines (FTS5 in SQLite, and the KV index).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type Api,
  createChannel,
  postMessage,
  signUp,
  type TestServer,
  uploadFile,
  withHearth,
} from "./helpers/api.ts";
import type { SearchPage } from "../lib/shared/wire.ts";
import { createChannel as createDbChannel } from "../lib/db/channels.ts";
import { createMessage } from "../lib/db/messages.ts";
import { createUser } from "../lib/db/users.ts";
import { searchCursorKey } from "../lib/db/_keys.ts";
import {
  openSqliteSearchIndex,
  sqliteIndexPath,
} from "../lib/db/search_sqlite.ts";

// Every test runs against both engines: the FTS5 index and the KV index.
const ENGINES = ["kv", "sqlite"] as const;

const search = async (api: Api, query: Record<string, string>) => {
  const res = await api.get(`/search?${new URLSearchParams(query)}`);
  return res;
};
const contents = (page: SearchPage) =>
  page.results.map((r) => r.message.content);

for (const engine of ENGINES) {
  const withEngine = (body: (server: TestServer) => Promise<void>) =>
    withHearth(body, [], { searchIndex: engine });

  Deno.test(`${engine}: search finds substrings newest first across my channels, with each channel`, () =>
    withEngine(async ({ base }) => {
      const ada = await signUp(base);
      const a = await createChannel(ada.api);
      const b = await createChannel(ada.api, undefined, { private: true });
      await postMessage(ada.api, a.id, "Lunch at the Harbour café?");
      await postMessage(ada.api, b.id, "harbour report is late");
      await postMessage(ada.api, a.id, "明日の会議は十時から");
      await postMessage(ada.api, a.id, "nothing to see");
      const res = await search(ada.api, { q: "HARBOUR" });
      assert.equal(res.status, 200);
      assert.deepEqual(contents(res.body), [
        "harbour report is late",
        "Lunch at the Harbour café?",
      ]);
      assert.deepEqual(res.body.results[0].channel, {
        id: b.id,
        name: b.name,
        kind: "channel",
      });
      assert.equal(res.body.results[1].channel.kind, "channel");
      assert.equal(res.body.next, null);
      const cjk = await search(ada.api, { q: "会議" });
      assert.deepEqual(contents(cjk.body), ["明日の会議は十時から"]);
      const two = await search(ada.api, { q: "十時" });
      assert.deepEqual(contents(two.body), ["明日の会議は十時から"]);
    }));

  Deno.test(`${engine}: search follows edits and never shows deleted messages`, () =>
    withEngine(async ({ base }) => {
      const ada = await signUp(base);
      const room = await createChannel(ada.api);
      const edited = await postMessage(ada.api, room.id, "meet at noon");
      const gone = await postMessage(ada.api, room.id, "secret plan");
      assert.deepEqual(contents((await search(ada.api, { q: "noon" })).body), [
        "meet at noon",
      ]);
      const path = `/channels/${room.id}/messages`;
      assert.equal(
        (await ada.api.send("PATCH", `${path}/${edited.seq}`, {
          json: { content: "meet at dusk" },
        })).status,
        200,
      );
      assert.equal(
        (await ada.api.send("DELETE", `${path}/${gone.seq}`, {})).status,
        204,
      );
      assert.deepEqual(
        contents((await search(ada.api, { q: "noon" })).body),
        [],
      );
      assert.deepEqual(contents((await search(ada.api, { q: "dusk" })).body), [
        "meet at dusk",
      ]);
      assert.deepEqual(
        contents((await search(ada.api, { q: "secret" })).body),
        [],
      );
    }));

  Deno.test(`${engine}: search filters: channelId, from, has=file, and before/limit paging`, () =>
    withEngine(async ({ base }) => {
      const ada = await signUp(base);
      const bob = await signUp(base);
      const one = await createChannel(ada.api);
      const two = await createChannel(ada.api);
      for (const c of [one, two]) {
        assert.equal(
          (await bob.api.post(`/channels/${c.id}/join`)).status,
          200,
        );
      }
      await postMessage(ada.api, one.id, "report one by ada");
      await postMessage(bob.api, one.id, "report two by bob");
      await postMessage(ada.api, two.id, "report three by ada");
      await uploadFile(
        bob.api,
        two.id,
        new TextEncoder().encode("numbers"),
        "report-q3.txt",
      );
      const q = (extra: Record<string, string>) =>
        search(ada.api, { q: "report", ...extra }).then((r) => {
          assert.equal(r.status, 200, JSON.stringify(r.body));
          return r.body as SearchPage;
        });
      assert.equal((await q({})).results.length, 4);
      assert.deepEqual(contents(await q({ channelId: one.id })), [
        "report two by bob",
        "report one by ada",
      ]);
      assert.deepEqual(
        contents(await q({ from: ada.username.toUpperCase() })),
        [
          "report three by ada",
          "report one by ada",
        ],
      );
      const files = await q({ has: "file" });
      assert.equal(files.results.length, 1, "found by its file's name");
      assert.equal(files.results[0].message.file?.name, "report-q3.txt");
      const seen: string[] = [];
      let before: string | null = null;
      do {
        const page: SearchPage = await q(
          before === null ? { limit: "3" } : { limit: "3", before },
        );
        assert.ok(page.results.length <= 3);
        seen.push(...page.results.map((r) => r.message.id));
        before = page.next;
      } while (before !== null);
      const all = (await q({})).results.map((r) => r.message.id);
      assert.deepEqual(seen, all, "pages join up, none twice, none missed");
    }));

  Deno.test(`${engine}: search shows only what I may read now: not a channel I left, not others' private ones`, () =>
    withEngine(async ({ base }) => {
      const ada = await signUp(base);
      const eve = await signUp(base);
      const open = await createChannel(ada.api);
      const hidden = await createChannel(ada.api, undefined, { private: true });
      await postMessage(ada.api, open.id, "zebra in the open");
      await postMessage(ada.api, hidden.id, "zebra in private");
      assert.equal(
        (await eve.api.post(`/channels/${open.id}/join`)).status,
        200,
      );
      assert.deepEqual(contents((await search(eve.api, { q: "zebra" })).body), [
        "zebra in the open",
      ]);
      assert.equal(
        (await eve.api.post(`/channels/${open.id}/leave`)).status,
        204,
      );
      assert.deepEqual(
        contents((await search(eve.api, { q: "zebra" })).body),
        [],
      );
      const cases: [Api, Record<string, string>, number, string][] = [
        [eve.api, { q: "zebra", channelId: hidden.id }, 403, "not_member"],
        [eve.api, { q: "zebra", channelId: open.id }, 403, "not_member"],
        [
          eve.api,
          { q: "zebra", channelId: "no-such-channel" },
          404,
          "channel_not_found",
        ],
      ];
      for (const [api, query, status, code] of cases) {
        const res = await search(api, query);
        assert.equal(res.status, status, JSON.stringify(query));
        assert.equal(res.body.code, code);
        assert.ok(!JSON.stringify(res.body).includes("zebra in"));
      }
    }));

  Deno.test(`${engine}: search refuses bad queries with 422 and strangers with 401`, () =>
    withEngine(async ({ base }) => {
      const ada = await signUp(base);
      const anonymous = await fetch(new URL("/search?q=hello", base));
      assert.equal(anonymous.status, 401);
      await anonymous.body?.cancel();
      const bad: Record<string, string>[] = [
        {},
        { q: "" },
        { q: "a" },
        { q: "   a   " },
        { q: "é" },
        { q: "x".repeat(201) },
        // FTS5 would read the NUL as the end of its query (a 500 before).
        { q: "\u0000\u0000\u0000" },
        { q: "ab\u0007cd" },
        { q: "ok", has: "image" },
        { q: "ok", before: "yesterday" },
        { q: "ok", limit: "0" },
        { q: "ok", limit: "-1" },
        { q: "ok", from: "no spaces allowed" },
        { q: "ok", channelId: "x".repeat(65) },
      ];
      for (const query of bad) {
        const res = await search(ada.api, query);
        assert.equal(res.status, 422, JSON.stringify(query));
        assert.equal(res.body.code, "validation_failed");
      }
      const clamped = await search(ada.api, { q: "ok", limit: "9999" });
      assert.equal(clamped.status, 200);
    }));

  Deno.test(`${engine}: fuzz: any query string gets 200 or 422, never a server error`, () =>
    withEngine(async ({ base }) => {
      const ada = await signUp(base);
      const room = await createChannel(ada.api);
      await postMessage(ada.api, room.id, "fuzzing 東京 \u{1F600} ok");
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            q: fc.string({ unit: "binary", maxLength: 40 }),
            from: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
            before: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
            limit: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
            has: fc.option(fc.constantFrom("file", "FILE", ""), {
              nil: undefined,
            }),
          }, { requiredKeys: [] }),
          async (query) => {
            const params = Object.fromEntries(
              Object.entries(query).filter(([, v]) => v !== undefined),
            ) as Record<string, string>;
            const res = await search(ada.api, params);
            assert.ok([200, 422].includes(res.status), `${res.status}`);
          },
        ),
        { numRuns: 150 },
      );
    }));

  Deno.test(`${engine}: search finds DM messages for their people only, marked kind dm`, () =>
    withEngine(async ({ base }) => {
      const ada = await signUp(base);
      const bo = await signUp(base);
      const cy = await signUp(base);
      const dm =
        (await ada.api.post("/dms", { usernames: [bo.username] })).body;
      await postMessage(bo.api, dm.id, "the quiet lighthouse");
      const found = await search(ada.api, { q: "lighthouse" });
      assert.equal(found.status, 200);
      assert.deepEqual(contents(found.body), ["the quiet lighthouse"]);
      assert.equal(found.body.results[0].channel.kind, "dm");
      assert.equal(found.body.results[0].channel.id, dm.id);
      const outsider = await search(cy.api, { q: "lighthouse" });
      assert.deepEqual(contents(outsider.body), []);
    }));
}

for (const engine of ENGINES) {
  Deno.test(`hearth reindex rebuilds the ${engine} index of a database file`, async () => {
    const dir = await Deno.makeTempDir();
    const db = `${dir}/hearth.db`;
    try {
      const kv = await Deno.openKv(db);
      const user = await createUser(kv, {
        username: "reindexer",
        passwordHash: "$2b$10$not-a-real-hash",
      });
      const channel = await createDbChannel(kv, user.id, { name: "kept" });
      await createMessage(kv, {
        channelId: channel.id,
        author: user,
        content: "indexed again",
      });
      kv.close();
      const child = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "main.ts", "reindex", "--db", db],
        cwd: new URL("../", import.meta.url).pathname,
        env: { NO_COLOR: "1", HEARTH_SEARCH_INDEX: engine },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(child.stderr);
      assert.equal(child.code, 0, stderr);
      assert.match(stderr, /Indexed \d+ channels/);
      const after = await Deno.openKv(db);
      try {
        if (engine === "kv") {
          const cursor = await after.get(searchCursorKey(channel.id));
          assert.equal(cursor.value, 1, "indexed up to the message's rev");
        } else {
          assert.equal(
            (await after.get(searchCursorKey(channel.id))).value,
            null,
          );
          const index = await openSqliteSearchIndex(after, sqliteIndexPath(db));
          try {
            const seqs = await Array.fromAsync(
              index.candidates(channel.id, "again"),
            );
            assert.deepEqual(seqs, [1]);
          } finally {
            index.close();
          }
        }
      } finally {
        after.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
