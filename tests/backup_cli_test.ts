/**
 * `hearth export` and `hearth import` as the real program, in subprocesses on
 * database files: exit codes, messages, a round trip, and an export taken
 * from the file of a running server while messages keep arriving.
 */
import { vapidKeys } from "../lib/db/push.ts";
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { loadSigningKey } from "../lib/auth/secret.ts";
import {
  createChannel,
  listMembers,
  listUserChannels,
  markRead,
} from "../lib/db/channels.ts";
import {
  createMessage,
  listMessages,
  type Message,
} from "../lib/db/messages.ts";
import { createUser } from "../lib/db/users.ts";
import { commitFileMeta, getFileMeta } from "../lib/files/store.ts";
import { stageFile } from "../lib/files/upload.ts";
import { bufferOutputOf, showLogOnFailure } from "./helpers/server_log.ts";
import { waitFor } from "./helpers/deadline.ts";
import { type Spawned, spawnHearth } from "./helpers/process.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const ENV = { NO_COLOR: "1", HEARTH_BCRYPT_COST: "4" };
const PASSWORD = "correct horse battery";

interface Ran {
  code: number;
  stdout: Uint8Array;
  stderr: string;
}

/** Runs `deno run -A main.ts ...args`, feeding `stdin` when given. */
async function hearth(args: string[], stdin?: Uint8Array): Promise<Ran> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    cwd: ROOT,
    env: ENV,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const feed = async () => {
    if (stdin === undefined) return;
    const writer = child.stdin.getWriter();
    try {
      await writer.write(stdin);
      await writer.close();
    } catch {
      // The program stopped reading (it refused the input); its status says why.
    }
  };
  const [, output] = await Promise.all([feed(), child.output()]);
  return {
    code: output.code,
    stdout: output.stdout,
    stderr: new TextDecoder().decode(output.stderr),
  };
}

async function keysIn(path: string): Promise<number> {
  using kv = await Deno.openKv(path);
  let count = 0;
  for await (const _ of kv.list({ prefix: [] })) count++;
  return count;
}

async function allMessages(kv: Deno.Kv, channelId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let after = 0;
  while (true) {
    const page = await listMessages(kv, channelId, { after, limit: 200 });
    if (page.length === 0) return messages;
    messages.push(...page);
    after = page[page.length - 1].seq;
  }
}

function lines(bytes: Uint8Array): string[] {
  return new TextDecoder().decode(bytes).split("\n").filter((l) => l !== "");
}

function encode(lines: string[]): Uint8Array {
  return new TextEncoder().encode(lines.map((l) => l + "\n").join(""));
}

Deno.test("hearth export and import: a round trip through files, with exit codes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth_backup_" });
  try {
    const source = `${dir}/source.db`;
    let channelIds: string[] = [];
    let fileId = "";
    let userId = "";
    {
      using kv = await Deno.openKv(source);
      const hash = bcrypt.hashSync(PASSWORD, 4);
      const ann = await createUser(kv, { username: "ann", passwordHash: hash });
      const ben = await createUser(kv, { username: "ben", passwordHash: hash });
      userId = ben.id;
      const [general] = await listUserChannels(kv, ann.id);
      const ops = await createChannel(kv, ben.id, { name: "ops" });
      channelIds = [general.id, ops.id];
      for (let i = 0; i < 40; i++) {
        const who = i % 2 ? ann : ben;
        await createMessage(kv, {
          channelId: channelIds[i % 2],
          author: {
            id: who.id,
            username: who.username,
            displayName: who.displayName,
          },
          content: `note ${i}`,
          clientId: `n-${i}`,
        });
      }
      const bytes = new Uint8Array(200_000).map((_, i) => i % 251);
      const staged = await stageFile(kv, ReadableStream.from([bytes]), {
        name: "report.pdf",
        maxBytes: 1 << 20,
      });
      await commitFileMeta(kv, {
        ...staged,
        channelId: ops.id,
        uploaderId: ben.id,
        createdAt: new Date().toISOString(),
      });
      fileId = staged.id;
      await markRead(kv, ann.id, general.id, 7);
      await loadSigningKey(kv);
      await vapidKeys(kv);
    }

    const exported = await hearth(["export", "--db", source]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /Exported 2 users, 2 channels/);
    assert.match(exported.stderr, /the push key pair with 0 subscriptions/);
    const backup = lines(exported.stdout);
    assert.match(backup[0], /^\{"format":"hearth-backup","version":1,/);
    assert.match(backup.at(-1)!, /^\{"type":"trailer"/);

    const target = `${dir}/restored.db`;
    const imported = await hearth(["import", "--db", target], exported.stdout);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /Imported 2 users, 2 channels/);
    {
      using before = await Deno.openKv(source);
      using after = await Deno.openKv(target);
      for (const id of channelIds) {
        assert.deepEqual(
          await allMessages(after, id),
          await allMessages(before, id),
        );
        assert.deepEqual(
          await listMembers(after, id),
          await listMembers(before, id),
        );
      }
      assert.deepEqual(
        await listUserChannels(after, userId),
        await listUserChannels(before, userId),
      );
      assert.deepEqual(
        await getFileMeta(after, fileId),
        await getFileMeta(before, fileId),
      );
      assert.deepEqual(
        await loadSigningKey(after),
        await loadSigningKey(before),
      );
    }

    // A second import into the now full database is refused, and changes nothing.
    const keys = await keysIn(target);
    const again = await hearth(["import", "--db", target], exported.stdout);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already has users/);
    assert.equal(await keysIn(target), keys);

    // A cut-short backup and a damaged line are refused; nothing stays behind.
    const short = await hearth(
      ["import", "--db", `${dir}/short.db`],
      encode(backup.slice(0, -1)),
    );
    assert.equal(short.code, 1);
    assert.match(short.stderr, /incomplete/);
    assert.match(short.stderr, /Nothing was imported/);
    assert.equal(await keysIn(`${dir}/short.db`), 0);
    const damaged = [...backup];
    damaged[2] = damaged[2].replace('"type":"user"', '"type":"usr"');
    const bad = await hearth(
      ["import", "--db", `${dir}/bad.db`],
      encode(damaged),
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /line 3: unknown record type "usr"/);
    assert.equal(await keysIn(`${dir}/bad.db`), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hearth export and import: usage errors exit with 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hearth_backup_" });
  try {
    const missing = `${dir}/missing.db`;
    const [
      noDb,
      badFlag,
      positional,
      unknown,
      help,
      exportHelp,
      importHelp,
      memory,
    ] = await Promise.all([
      hearth(["export", "--db", missing]),
      hearth(["export", "--db", missing, "--bogus"]),
      hearth(["import", "extra"]),
      hearth(["exprot", "--db", missing]),
      hearth(["--help"]),
      hearth(["export", "--help"]),
      hearth(["import", "--help"]),
      hearth(["import", "--db", ":memory:"], new Uint8Array()),
    ]);
    assert.equal(noDb.code, 2);
    assert.match(noDb.stderr, /no database at/);
    // Exporting must not create the database it was pointed at.
    await assert.rejects(Deno.stat(missing), Deno.errors.NotFound);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /hearth export: .*--bogus/);
    assert.equal(positional.code, 2);
    assert.match(positional.stderr, /hearth import: .*extra/);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "exprot"/);
    const text = (r: Ran) => new TextDecoder().decode(r.stdout);
    assert.equal(help.code, 0);
    assert.match(text(help), /hearth export \[--db PATH\]/);
    assert.equal(exportHelp.code, 0);
    assert.match(text(exportHelp), /Usage: hearth export/);
    assert.match(text(exportHelp), /keep it private/);
    assert.equal(importHelp.code, 0);
    assert.match(text(importHelp), /Usage: hearth import/);
    assert.equal(memory.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The real server on a database file, its output drained. */
class Server {
  private constructor(
    readonly url: string,
    private readonly hearth: Spawned,
    private readonly output: string[],
  ) {}

  static async start(db: string): Promise<Server> {
    const output: string[] = [];
    const buffer = bufferOutputOf(`main.ts on ${db.split("/").at(-1)}`);
    const hearth = await spawnHearth({
      db,
      env: ENV,
      onLine: (line) => {
        output.push(line);
        if (output.length > 50) output.shift();
        buffer(line);
      },
    });
    return new Server(hearth.base, hearth, output);
  }

  async stop(): Promise<void> {
    const status = await this.hearth.stop("SIGTERM");
    assert.equal(status.code, 0, this.output.join("\n"));
  }

  async call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    // Suites read many shapes; the assertions are the checks.
    // deno-lint-ignore no-explicit-any
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const res = await fetch(this.url + path, {
      method,
      headers,
      body: payload,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async signUp(username: string): Promise<{ id: string; token: string }> {
    const registered = await this.call("POST", "/auth/register", undefined, {
      username,
      password: PASSWORD,
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    return { id: registered.body.id, token: await this.signIn(username) };
  }

  async signIn(username: string): Promise<string> {
    const res = await this.call("POST", "/auth/login", undefined, {
      username,
      password: PASSWORD,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.access_token;
  }
}

Deno.test("hearth export reads a consistent view from the file of a running server", () =>
  showLogOnFailure("the Hearth processes", async () => {
    const dir = await Deno.makeTempDir({ prefix: "hearth_backup_" });
    try {
      const db = `${dir}/live.db`;
      const server = await Server.start(db);
      let ann: { id: string; token: string };
      let channelIds: string[];
      const acked: Message[] = [];
      let ackedAtFirstExport = 0;
      const exports: Ran[] = [];
      try {
        ann = await server.signUp("ann");
        const ben = await server.signUp("ben");
        const channels = await server.call("GET", "/channels", ann.token);
        const general = channels.body[0].id as string;
        const ops = await server.call("POST", "/channels", ben.token, {
          name: "ops",
        });
        assert.equal(ops.status, 201);
        await server.call("POST", `/channels/${ops.body.id}/join`, ann.token);
        channelIds = [general, ops.body.id];
        const form = new FormData();
        form.append(
          "file",
          new Blob([new Uint8Array(150_000).fill(7)]),
          "data.bin",
        );
        const shared = await server.call(
          "POST",
          `/channels/${general}/files`,
          ben.token,
          form,
        );
        assert.equal(shared.status, 201, JSON.stringify(shared.body));

        // Four writers post as fast as they can while two exports run.
        let posting = true;
        const failures: unknown[] = [];
        const write = async (who: { token: string }, w: number) => {
          for (let i = 0; posting; i++) {
            const res = await server.call(
              "POST",
              `/channels/${channelIds[(w + i) % 2]}/messages`,
              who.token,
              { content: `writer ${w} post ${i}`, clientId: `w${w}-${i}` },
            );
            assert.equal(res.status, 201, JSON.stringify(res.body));
            acked.push(res.body);
            if ((w + i) % 7 === 0) {
              await server.call(
                "POST",
                `/channels/${res.body.channelId}/read`,
                who.token,
                {
                  seq: res.body.seq,
                },
              );
            }
          }
        };
        const writers = [ann, ben, ann, ben].map(async (who, w) => {
          try {
            await write(who, w);
          } catch (error) {
            failures.push(error);
            posting = false;
          }
        });
        await waitFor(() => acked.length >= 40 || !posting, {
          what: "40 acknowledged posts before the first export",
          timeoutMs: 60_000,
        });
        ackedAtFirstExport = acked.length;
        exports.push(await hearth(["export", "--db", db]));
        exports.push(await hearth(["export", "--db", db]));
        posting = false;
        await Promise.all(writers);
        if (failures.length > 0) throw failures[0];
      } finally {
        await server.stop();
      }
      assert.ok(
        acked.length > ackedAtFirstExport,
        "writes went on during the export",
      );

      using live = await Deno.openKv(db);
      const finalMessages = new Map<string, Message[]>();
      for (const id of channelIds) {
        finalMessages.set(id, await allMessages(live, id));
      }
      const ackedEarly = acked.slice(0, ackedAtFirstExport);

      for (const [n, exported] of exports.entries()) {
        assert.equal(exported.code, 0, exported.stderr);
        const target = `${dir}/restored-${n}.db`;
        const imported = await hearth(
          ["import", "--db", target],
          exported.stdout,
        );
        assert.equal(imported.code, 0, imported.stderr);
        using kv = await Deno.openKv(target);
        for (const id of channelIds) {
          // A prefix of the final history, seqs 1..n without a gap.
          const messages = await allMessages(kv, id);
          assert.deepEqual(
            messages,
            finalMessages.get(id)!.slice(0, messages.length),
          );
          const [channel] = (await listUserChannels(kv, ann!.id)).filter((c) =>
            c.id === id
          );
          assert.equal(channel.lastSeq, messages.length);
          assert.equal(channel.memberCount, (await listMembers(kv, id)).length);
        }
        // Everything acknowledged before the export started is in it.
        for (const message of ackedEarly) {
          const [stored] = await listMessages(kv, message.channelId, {
            after: message.seq - 1,
            limit: 1,
          });
          assert.deepEqual(stored, message);
        }
      }

      // A server on the restored file: same passwords, same tokens, seqs go on.
      const restored = await Server.start(`${dir}/restored-1.db`);
      try {
        assert.equal(
          (await restored.call("GET", "/me", ann!.token)).status,
          200,
        );
        const token = await restored.signIn("ben");
        const [general] = channelIds!;
        const before = await restored.call("GET", `/channels`, token);
        const lastSeq = before.body.find((c: { id: string }) =>
          c.id === general
        ).lastSeq;
        const posted = await restored.call(
          "POST",
          `/channels/${general}/messages`,
          token,
          {
            content: "back again",
          },
        );
        assert.equal(posted.status, 201);
        assert.equal(posted.body.seq, lastSeq + 1);
        const dup = acked.find((m) =>
          m.channelId === general && m.seq <= lastSeq
        )!;
        const again = await restored.call(
          "POST",
          `/channels/${general}/messages`,
          dup.author.id === ann!.id ? ann!.token : token,
          { content: "again", clientId: dup.clientId },
        );
        assert.equal(again.status, 200);
        assert.equal(again.body.seq, dup.seq);
      } finally {
        await restored.stop();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }));
