import assert from "node:assert/strict";
import { sqliteIndexFor } from "./search_open.ts";

const none = () => undefined;
const onDeploy = (name: string) =>
  name === "DENO_DEPLOYMENT_ID" ? "abc" : undefined;

Deno.test("sqliteIndexFor() puts FTS5 beside a local file only, unless told otherwise", () => {
  assert.equal(
    sqliteIndexFor("/var/lib/hearth/hearth.db", "auto", none),
    "/var/lib/hearth/hearth.db.search.sqlite",
  );
  assert.equal(sqliteIndexFor("./hearth.db", "kv", none), null);
  assert.equal(sqliteIndexFor(":memory:", "auto", none), null);
  assert.equal(sqliteIndexFor(":memory:", "sqlite", none), ":memory:");
  const url = "https://api.deno.com/databases/x/connect";
  assert.equal(sqliteIndexFor(url, "auto", none), null);
  assert.equal(sqliteIndexFor("./hearth.db", "auto", onDeploy), null);
  assert.throws(() => sqliteIndexFor(url, "sqlite", none), /a database file/);
});
