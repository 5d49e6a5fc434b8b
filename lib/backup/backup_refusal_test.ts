import assert from "node:assert/strict";
import { loadSigningKey } from "../auth/secret.ts";
import { createUser } from "../db/users.ts";
import { BackupError } from "./format.ts";
import { importBackup, TargetNotEmptyError } from "./import.ts";
import {
  allKeys,
  assertRefusals,
  buildSource,
  exportAll,
  type RefusalCase,
  toStream,
} from "./_test_fixture.ts";

Deno.test("a backup without its trailer is refused and leaves nothing behind", async () => {
  using source = await Deno.openKv(":memory:");
  await buildSource(source);
  const lines = await exportAll(source);
  for (const cut of [lines.length - 1, Math.floor(lines.length / 2), 1]) {
    using target = await Deno.openKv(":memory:");
    await assert.rejects(
      importBackup(target, toStream(lines.slice(0, cut))),
      (error: unknown) => {
        assert.ok(error instanceof BackupError);
        assert.match(error.message, /incomplete.*without its trailer/);
        return true;
      },
    );
    assert.deepEqual(await allKeys(target), [], `cut at ${cut}`);
  }
  // Cut inside a line: the last line is not whole JSON.
  using target = await Deno.openKv(":memory:");
  const text = lines.join("\n");
  const stream = ReadableStream.from([
    new TextEncoder().encode(text.slice(0, text.length - 20)),
  ]);
  await assert.rejects(importBackup(target, stream), BackupError);
  assert.deepEqual(await allKeys(target), []);
});

Deno.test("importing into a database that has users is refused", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  await buildSource(source);
  const lines = await exportAll(source);
  await createUser(target, { username: "someone", passwordHash: "x" });
  const before = await allKeys(target);
  await assert.rejects(
    importBackup(target, toStream(lines)),
    (error: unknown) => {
      assert.ok(error instanceof TargetNotEmptyError);
      assert.match(error.message, /already has users/);
      return true;
    },
  );
  assert.deepEqual(await allKeys(target), before);
});

Deno.test("a database holding only a signing key (a server started once) can be imported into", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  await buildSource(source);
  const lines = await exportAll(source);
  const fresh = await loadSigningKey(target);
  await importBackup(target, toStream(lines));
  const restored = await loadSigningKey(target);
  assert.notDeepEqual(restored, fresh);
  assert.deepEqual(restored, await loadSigningKey(source));
});

Deno.test("a malformed line is refused with its line number", async () => {
  using source = await Deno.openKv(":memory:");
  await buildSource(source);
  const lines = await exportAll(source);
  const messageLine = lines.findIndex((l) => l.startsWith('{"type":"message"'));
  const firstLine = lines.findIndex((l) =>
    l.includes('"content":"message 1 —')
  );
  const secondLine = lines.findIndex((l) =>
    l.includes('"content":"message 2 —')
  );
  assert.equal(secondLine, firstLine + 1);
  const friendLine = lines.findIndex((l) =>
    l.startsWith('{"type":"friendship"')
  );
  const blockLine = lines.findIndex((l) => l.startsWith('{"type":"block"'));
  assert.ok(friendLine > 0 && blockLine > 0);
  const reportLine = lines.findIndex((l) => l.startsWith('{"type":"report"'));
  const auditLine = lines.findIndex((l) => l.startsWith('{"type":"audit"'));
  const timeoutLine = lines.findIndex((l) => l.startsWith('{"type":"timeout"'));
  const cases: RefusalCase[] = [
    ["not JSON", (c) => c[4] = "{not json", 5, /not valid JSON/],
    [
      "wrong type",
      (c) => {
        const record = JSON.parse(c[messageLine]);
        record.message.seq = "1";
        c[messageLine] = JSON.stringify(record);
      },
      messageLine + 1,
      /message record: message\.seq/,
    ],
    [
      "unknown record",
      (c) => c[3] = '{"type":"mystery"}',
      4,
      /unknown record type "mystery"/,
    ],
    ["blank line", (c) => c[6] = "", 7, /not valid JSON/],
    [
      "altered content",
      (c) => c[firstLine] = c[firstLine].replace("message 1 ", "message X "),
      lines.length,
      /SHA-256/,
    ],
    [
      "a message missing",
      (c) => c.splice(secondLine, 1),
      secondLine + 1,
      /message seq 3 .* where 2 comes next/,
    ],
    [
      "a friendship twice",
      (c) => c.splice(friendLine + 1, 0, c[friendLine]),
      friendLine + 2,
      /friendship .* appears twice/,
    ],
    [
      "a block of someone not in the backup",
      (c) => {
        const record = JSON.parse(c[blockLine]);
        record.blockedId = crypto.randomUUID();
        c[blockLine] = JSON.stringify(record);
      },
      blockLine + 1,
      /user ".*" is not in the backup before this line/,
    ],
    [
      "data after the trailer",
      (c) => c.push(c[1]),
      lines.length + 1,
      /more after the trailer/,
    ],
    [
      "newer version",
      (c) => c[0] = c[0].replace('"version":1', '"version":2'),
      1,
      /format version 2, newer than this Hearth reads \(1\)/,
    ],
    [
      "not a backup",
      (c) => c[0] = '{"hello":"world"}',
      1,
      /not a Hearth backup/,
    ],
    [
      "a second open report of one person on one message",
      (c) => {
        const record = JSON.parse(c[reportLine]);
        record.report.id += "x";
        c.splice(reportLine + 1, 0, JSON.stringify(record));
      },
      reportLine + 2,
      /reports message 1 twice/,
    ],
    [
      "an audit entry twice",
      (c) => c.splice(auditLine + 1, 0, c[auditLine]),
      auditLine + 2,
      /audit entry .* appears twice/,
    ],
    [
      "a timeout of nobody",
      (c) => {
        const record = JSON.parse(c[timeoutLine]);
        record.userId = "nobody";
        c[timeoutLine] = JSON.stringify(record);
      },
      timeoutLine + 1,
      /user "nobody" is not in the backup/,
    ],
  ];
  await assertRefusals(lines, cases);
});

Deno.test("a damaged file chunk is refused", async () => {
  using source = await Deno.openKv(":memory:");
  using target = await Deno.openKv(":memory:");
  await buildSource(source);
  const lines = await exportAll(source);
  const at = lines.findIndex((l) => l.startsWith('{"type":"chunk"'));
  const chunk = JSON.parse(lines[at]);
  const bytes = Uint8Array.fromBase64(chunk.data);
  bytes[100] ^= 0xff;
  chunk.data = bytes.toBase64();
  lines[at] = JSON.stringify(chunk);
  await assert.rejects(
    importBackup(target, toStream(lines)),
    /do not match its sha256/,
  );
  assert.deepEqual(await allKeys(target), []);
});
