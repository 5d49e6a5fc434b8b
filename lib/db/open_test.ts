import assert from "node:assert/strict";
import { parseConfig } from "../config.ts";
import { closeServices, openServices } from "../services.ts";
import { closeDatabase, openDatabase, readerOf } from "./open.ts";
import { joinChannel, listMembers } from "./members.ts";
import { countReads, randomUser, userWithChannel } from "./_test_utils.ts";

const notDeploy = () => undefined;

Deno.test("a file database opened with readHandle reads through a second handle, closed with it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth-open-" });
  try {
    const kv = await openDatabase(`${dir}/hearth.db`, {
      env: notDeploy,
      readHandle: true,
    });
    const reader = readerOf(kv);
    assert.notEqual(reader, kv);
    await kv.set(["written"], 1);
    assert.equal((await reader.get(["written"])).value, 1);
    closeDatabase(kv);
    await assert.rejects(() => reader.get(["written"]));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without a file or without readHandle, a database reads through itself", async () => {
  const memory = await openDatabase(":memory:", {
    env: notDeploy,
    readHandle: true,
  });
  assert.equal(readerOf(memory), memory);
  closeDatabase(memory);
  const dir = await Deno.makeTempDir({ prefix: "hearth-open-" });
  try {
    const plain = await openDatabase(`${dir}/hearth.db`, { env: notDeploy });
    assert.equal(readerOf(plain), plain);
    closeDatabase(plain);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// Runs `body` with the real services on a database in a fresh file.
async function withFileServices(
  body: (services: Awaited<ReturnType<typeof openServices>>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hearth-open-" });
  const parsed = parseConfig(["--db", `${dir}/hearth.db`], () => undefined);
  if (parsed.kind !== "serve") throw new Error("bad test config");
  const services = await openServices({ ...parsed.config, passwordCost: 4 });
  try {
    await body(services);
  } finally {
    await closeServices(services);
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a channel's member list is read through the read handle, none of it behind the writing handle's queue", () =>
  withFileServices(async ({ kv, roster }) => {
    const { channelId } = await userWithChannel(kv);
    let members: { id: string }[] = [];
    const onReader = await countReads(readerOf(kv), async () => {
      const onWriter = await countReads(kv, async () => {
        members = await roster.members(channelId);
      });
      assert.equal(onWriter, 0);
    });
    assert.ok(onReader > 0);
    assert.equal(members.length, 1);
  }));

Deno.test("a join committed through the writing handle is in the member list read through the read handle right after", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth-open-" });
  const kv = await openDatabase(`${dir}/hearth.db`, {
    env: notDeploy,
    readHandle: true,
  });
  try {
    const { channelId } = await userWithChannel(kv);
    for (let i = 0; i < 30; i++) {
      const joiner = await randomUser(kv);
      await joinChannel(kv, channelId, joiner.id);
      const ids = (await listMembers(readerOf(kv), channelId)).map((m) => m.id);
      assert.ok(ids.includes(joiner.id), `join ${i} missing`);
      assert.equal(ids.length, i + 2);
    }
  } finally {
    closeDatabase(kv);
    await Deno.remove(dir, { recursive: true });
  }
});
