/**
 * Crash durability: the real program runs as a subprocess on a database file,
 * twenty writers post messages (and a few upload files) as fast as they can,
 * and the process is killed with SIGKILL at a random moment. After a restart
 * on the same file every acknowledged message is there exactly once, seqs have
 * no gap, every acknowledged file reads back byte for byte, no message points
 * at a file that reads short, and re-posting an acknowledged clientId answers
 * the stored message. Several rounds, each killed at a different moment, run
 * against the same file, so each restart also checks all earlier rounds.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { parseConfig } from "../lib/config.ts";
import { bufferOutputOf, showLogOnFailure } from "./helpers/server_log.ts";
import { sleep, waitFor, withDeadline } from "./helpers/deadline.ts";
import { Api, createChannel, signUp } from "./helpers/api.ts";
import { type Spawned, spawnHearth } from "./helpers/process.ts";

const WRITERS = 20;
/** Writers 0..FILE_WRITERS-1 upload a file as every third post. */
const FILE_WRITERS = 4;
const ROUNDS = 4;
/** Acknowledged posts a round waits for before the kill timer starts. */
const MIN_ACKS_BEFORE_KILL = 30;
const MAX_EXTRA_DELAY_MS = 700;

/** The program started as `deno run -A main.ts`, with its output drained. */
class HearthProcess {
  readonly url: string;
  readonly #hearth: Spawned;
  readonly #tail: string[];

  private constructor(hearth: Spawned, tail: string[]) {
    this.#hearth = hearth;
    this.url = hearth.url;
    this.#tail = tail;
  }

  /** Starts the server on `db` with a free port and waits for its "running" line. */
  static async start(db: string): Promise<HearthProcess> {
    const tail: string[] = [];
    let buffer = (_line: string) => {};
    const hearth = await spawnHearth({
      db,
      env: { HEARTH_BCRYPT_COST: "4", NO_COLOR: "1" },
      onLine: (line) => {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        buffer(line);
      },
    });
    buffer = bufferOutputOf(`main.ts ${hearth.pid}`);
    return new HearthProcess(hearth, tail);
  }

  /** The last lines the process printed, for failure messages. */
  get tail(): string {
    return this.#tail.join("\n");
  }

  /** Kills the process with SIGKILL (no shutdown code runs) and waits for it. */
  async kill(): Promise<void> {
    this.#hearth.child.kill("SIGKILL");
    const status = await withDeadline(
      this.#hearth.ended,
      15_000,
      "main.ts ending on SIGKILL",
    );
    assert.equal(status.signal, "SIGKILL", `not killed: ${this.tail}`);
  }

  /** Stops the process with SIGTERM, its clean shutdown, and waits for it. */
  async stop(): Promise<void> {
    await this.#hearth.stop("SIGTERM");
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** One post a writer sent: text, or a file with its bytes. */
interface Attempt {
  writer: number;
  channelId: string;
  clientId: string;
  content: string;
  file?: { bytes: Uint8Array<ArrayBuffer>; sha256: string };
}

/** What the server answered 2xx to an attempt. */
interface Ack {
  attempt: Attempt;
  id: string;
  seq: number;
  fileId?: string;
}

interface StoredMessage {
  id: string;
  channelId: string;
  seq: number;
  author: { id: string };
  content: string;
  clientId?: string;
  file: null | { id: string; size: number; url: string };
}

/** The part of a round the writers share: where to post, and when to stop. */
interface RoundState {
  base: string;
  round: number;
  killed: boolean;
  acks: Ack[];
  /** Attempts that got no 2xx answer before the kill (in flight when it hit). */
  unanswered: Attempt[];
  /** Anything that went wrong before the kill: a bug, not a crash effect. */
  failures: string[];
}

async function send(
  base: string,
  token: string,
  attempt: Attempt,
): Promise<Response> {
  const headers = { authorization: `Bearer ${token}` };
  const path = `/channels/${attempt.channelId}/${
    attempt.file ? "files" : "messages"
  }`;
  if (!attempt.file) {
    return await fetch(new URL(path, base), {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({
        content: attempt.content,
        clientId: attempt.clientId,
      }),
    });
  }
  const form = new FormData();
  form.set("content", attempt.content);
  form.set("clientId", attempt.clientId);
  form.set("file", new File([attempt.file.bytes], `${attempt.clientId}.bin`));
  return await fetch(new URL(path, base), {
    method: "POST",
    headers,
    body: form,
  });
}

/**
 * Posts until the server dies. A 2xx answer whose body arrived is an
 * acknowledgement; the one post in flight when the kill hit is "unanswered".
 */
async function writer(
  state: RoundState,
  index: number,
  token: string,
  channels: string[],
): Promise<void> {
  for (let n = 0; !state.killed; n++) {
    const withFile = index < FILE_WRITERS && n % 3 === 2;
    let file: Attempt["file"];
    if (withFile) {
      // 1 byte to 200 KiB: one chunk or several. getRandomValues fills 64 KiB at most.
      const bytes = new Uint8Array(1 + Math.floor(Math.random() * 200 * 1024));
      for (let at = 0; at < bytes.length; at += 65536) {
        crypto.getRandomValues(bytes.subarray(at, at + 65536));
      }
      file = { bytes, sha256: sha256(bytes) };
    }
    const attempt: Attempt = {
      writer: index,
      channelId: channels[(index + n) % channels.length],
      clientId: `r${state.round}-w${index}-${n}`,
      content: `round ${state.round} writer ${index} post ${n}`,
      file,
    };
    let res: Response;
    let body: StoredMessage;
    try {
      res = await send(state.base, token, attempt);
      if (!res.ok) {
        const text = await res.text();
        if (!state.killed) {
          state.failures.push(`${attempt.clientId}: ${res.status} ${text}`);
        }
        state.unanswered.push(attempt);
        return;
      }
      body = await res.json();
      if (res.status !== 201) {
        // A clientId never used before must make a new message.
        state.failures.push(`${attempt.clientId}: ${res.status}, not 201`);
      }
    } catch (error) {
      if (!state.killed) {
        state.failures.push(`${attempt.clientId}: ${error}`);
      }
      state.unanswered.push(attempt);
      return;
    }
    state.acks.push({
      attempt,
      id: body.id,
      seq: body.seq,
      fileId: body.file?.id,
    });
  }
}

async function allMessages(
  base: string,
  api: Api,
  channelId: string,
): Promise<StoredMessage[]> {
  const messages: StoredMessage[] = [];
  let after = 0;
  while (true) {
    const res = await api.get(
      `/channels/${channelId}/messages?after=${after}&limit=200`,
    );
    assert.equal(res.status, 200, `${base}: ${JSON.stringify(res.body)}`);
    const page = res.body as StoredMessage[];
    messages.push(...page);
    if (page.length < 200) return messages;
    after = page[page.length - 1].seq;
  }
}

async function download(
  base: string,
  token: string,
  url: string,
): Promise<{ status: number; bytes: Uint8Array }> {
  const res = await fetch(new URL(url, base), {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, bytes: await res.bytes() };
}

/** Everything the suite knows, checked against a freshly restarted server. */
async function verify(
  base: string,
  reader: { token: string; api: Api },
  channels: string[],
  acks: Ack[],
  attempts: Map<string, Attempt>,
  authorIds: string[],
): Promise<{ stored: number; files: number }> {
  const key = (authorId: string, clientId: string) =>
    `${authorId}\n${clientId}`;
  const stored = new Map<string, StoredMessage>();
  let files = 0;
  const listed = (await reader.api.get("/channels")).body as {
    id: string;
    lastSeq: number;
  }[];
  for (const channelId of channels) {
    const messages = await allMessages(base, reader.api, channelId);
    const lastSeq = listed.find((c) => c.id === channelId)?.lastSeq;
    // Seqs run 1, 2, 3 ... lastSeq with nothing missing and nothing twice.
    assert.deepEqual(
      messages.map((m) => m.seq),
      Array.from({ length: messages.length }, (_, i) => i + 1),
      `channel ${channelId}: seqs are not gapless`,
    );
    assert.equal(
      lastSeq,
      messages.length,
      `channel ${channelId}: lastSeq ${lastSeq} but ${messages.length} messages`,
    );
    for (const message of messages) {
      assert.ok(message.clientId, `seq ${message.seq} has no clientId`);
      const k = key(message.author.id, message.clientId);
      assert.ok(
        !stored.has(k),
        `clientId ${message.clientId} is stored twice (seq ${
          stored.get(k)?.seq
        } and ${message.seq})`,
      );
      stored.set(k, message);
      if (message.file === null) continue;
      // No message may point at a file that reads short (acknowledged or not).
      files++;
      const got = await download(base, reader.token, message.file.url);
      assert.equal(
        got.status,
        200,
        `file of ${message.clientId} answers ${got.status}`,
      );
      assert.equal(
        got.bytes.length,
        message.file.size,
        `file of ${message.clientId} reads ${got.bytes.length} of ${message.file.size} bytes`,
      );
      const sent = attempts.get(message.clientId)?.file;
      assert.ok(sent, `${message.clientId} has a file nobody sent`);
      assert.equal(
        sha256(got.bytes),
        sent.sha256,
        `file of ${message.clientId} differs from the bytes uploaded`,
      );
    }
  }
  for (const ack of acks) {
    const { writer, clientId } = ack.attempt;
    const message = stored.get(key(authorIds[writer], clientId));
    assert.ok(message, `acknowledged ${clientId} (seq ${ack.seq}) is missing`);
    assert.equal(message.id, ack.id, `${clientId}: another message id`);
    assert.equal(message.seq, ack.seq, `${clientId}: another seq`);
    assert.equal(message.channelId, ack.attempt.channelId);
    assert.equal(message.content, ack.attempt.content);
    if (ack.attempt.file) {
      assert.equal(message.file?.id, ack.fileId, `${clientId}: another file`);
      assert.equal(message.file?.size, ack.attempt.file.bytes.length);
    } else {
      assert.equal(message.file, null);
    }
  }
  return { stored: stored.size, files };
}

Deno.test("HEARTH_BCRYPT_COST sets the bcrypt cost, only within 4..15", () => {
  const parse = (cost?: string) =>
    parseConfig([], (name) => name === "HEARTH_BCRYPT_COST" ? cost : undefined);
  const cost = (value?: string) => {
    const parsed = parse(value);
    return parsed.kind === "serve" ? parsed.config.passwordCost : parsed;
  };
  assert.equal(cost(undefined), 12);
  assert.equal(cost("4"), 4);
  assert.equal(cost("15"), 15);
  for (const bad of ["3", "16", "0", "abc", "-5", "4.5", ""]) {
    const parsed = parse(bad);
    assert.equal(parsed.kind, "error", `accepted HEARTH_BCRYPT_COST=${bad}`);
    if (parsed.kind === "error") {
      assert.match(parsed.message, /HEARTH_BCRYPT_COST/);
    }
  }
});

Deno.test("kill -9 under load loses no acknowledged message or file", () =>
  showLogOnFailure("the Hearth processes", async () => {
    const dir = await Deno.makeTempDir({ prefix: "hearth-crash-" });
    const db = `${dir}/hearth.db`;
    let server = await HearthProcess.start(db);
    try {
      // Twenty authors, two public channels everyone is in.
      const users = await Promise.all(
        Array.from(
          { length: WRITERS },
          (_, i) => signUp(server.url, `crash${i}`),
        ),
      );
      const channels = [
        (await createChannel(users[0].api, "crash-a")).id,
        (await createChannel(users[0].api, "crash-b")).id,
      ];
      for (const user of users.slice(1)) {
        for (const id of channels) {
          assert.equal(
            (await user.api.post(`/channels/${id}/join`)).status,
            200,
          );
        }
      }
      const authorIds = users.map((u) => u.id);
      const acks: Ack[] = [];
      const attempts = new Map<string, Attempt>();

      for (let round = 1; round <= ROUNDS; round++) {
        const state: RoundState = {
          base: server.url,
          round,
          killed: false,
          acks: [],
          unanswered: [],
          failures: [],
        };
        const started = performance.now();
        const writers = users.map((user, i) =>
          writer(state, i, user.token, channels)
        );
        // Kill mid-load: once some posts are acknowledged, after a random delay.
        await waitFor(
          () =>
            state.acks.length >= MIN_ACKS_BEFORE_KILL ||
            state.failures.length > 0,
          {
            what:
              `${MIN_ACKS_BEFORE_KILL} acknowledged posts in round ${round}`,
            timeoutMs: 60_000,
            intervalMs: 5,
          },
        );
        // A random extra moment, so the kill lands at a different point each round.
        const extra = Math.floor(Math.random() * MAX_EXTRA_DELAY_MS);
        await sleep(extra);
        state.killed = true;
        await server.kill();
        const killedAt = Math.round(performance.now() - started);
        await Promise.all(writers);
        assert.deepEqual(
          state.failures,
          [],
          `posts failed before the kill:\n${server.tail}`,
        );

        server = await HearthProcess.start(db);
        for (const ack of state.acks) {
          attempts.set(ack.attempt.clientId, ack.attempt);
        }
        for (const attempt of state.unanswered) {
          attempts.set(attempt.clientId, attempt);
        }
        acks.push(...state.acks);
        // The owner of both channels reads them back; tokens outlive restarts.
        const reader = {
          token: users[0].token,
          api: new Api(server.url, users[0].token),
        };
        const counts = await verify(
          server.url,
          reader,
          channels,
          acks,
          attempts,
          authorIds,
        );

        // Re-posting an acknowledged clientId answers the stored message, 200.
        const samples = [
          ...state.acks.filter((a) => !a.attempt.file).slice(-3),
          acks[Math.floor(Math.random() * acks.length)],
        ].filter((a) => !a.attempt.file);
        for (const ack of samples) {
          const res = await send(
            server.url,
            users[ack.attempt.writer].token,
            ack.attempt,
          );
          const body = await res.json();
          assert.equal(res.status, 200, `re-post ${ack.attempt.clientId}`);
          assert.equal(body.id, ack.id);
          assert.equal(body.seq, ack.seq);
        }
        // A client retries what got no answer: stored once either way.
        let retriedStored = 0;
        for (const attempt of state.unanswered.filter((a) => !a.file)) {
          const res = await send(
            server.url,
            users[attempt.writer].token,
            attempt,
          );
          const body: StoredMessage = await res.json();
          assert.ok(
            res.status === 200 || res.status === 201,
            `retry ${attempt.clientId}: ${res.status}`,
          );
          if (res.status === 200) retriedStored++;
          acks.push({ attempt, id: body.id, seq: body.seq });
        }
        const after = await verify(
          server.url,
          reader,
          channels,
          acks,
          attempts,
          authorIds,
        );
        console.log(
          `round ${round}: killed at ${killedAt} ms; ${state.acks.length} acknowledged ` +
            `(${
              state.acks.filter((a) => a.attempt.file).length
            } files), ${state.unanswered.length} in flight ` +
            `(${retriedStored} of the retried were already stored); ` +
            `${counts.stored} messages (${counts.files} files) after restart, ` +
            `${after.stored} after retries`,
        );
      }
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  }));

/** Editors that each rewrite their own message and react to it, as fast as they can. */
const EDITORS = 8;
const EDIT_ROUNDS = 2;
const REACTIONS = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗"];

/** What one editor had acknowledged, and what was in flight at the kill. */
interface EditorLog {
  seq: number;
  acked: string;
  inFlight: string | null;
  reactions: Set<string>;
  reactionInFlight: string | null;
}

Deno.test("kill -9 during edits and reactions loses no acknowledged change", () =>
  showLogOnFailure("the Hearth processes", async () => {
    const dir = await Deno.makeTempDir({ prefix: "hearth-crash-edits-" });
    const db = `${dir}/hearth.db`;
    let server = await HearthProcess.start(db);
    try {
      const users = await Promise.all(
        Array.from({ length: EDITORS }, (_, i) => signUp(server.url, `ed${i}`)),
      );
      const channelId = (await createChannel(users[0].api, "edits")).id;
      for (const user of users.slice(1)) {
        await user.api.post(`/channels/${channelId}/join`);
      }
      const logs: EditorLog[] = [];
      for (const user of users) {
        const res = await user.api.post(`/channels/${channelId}/messages`, {
          content: "v0",
        });
        logs.push({
          seq: res.body.seq,
          acked: "v0",
          inFlight: null,
          reactions: new Set(),
          reactionInFlight: null,
        });
      }
      for (let round = 1; round <= EDIT_ROUNDS; round++) {
        let killed = false;
        let acked = 0;
        const failures: string[] = [];
        const editors = users.map(async (user, i) => {
          const log = logs[i];
          const api = new Api(server.url, user.token);
          for (let n = 0; !killed; n++) {
            const react = n % 2 === 1 && log.reactions.size < REACTIONS.length;
            const emoji = REACTIONS[log.reactions.size];
            const content = `round ${round} edit ${n}`;
            if (react) log.reactionInFlight = emoji;
            else log.inFlight = content;
            try {
              const res = react
                ? await api.send(
                  "PUT",
                  `/channels/${channelId}/messages/${log.seq}/reactions/${
                    encodeURIComponent(emoji)
                  }`,
                  {},
                )
                : await api.send(
                  "PATCH",
                  `/channels/${channelId}/messages/${log.seq}`,
                  { json: { content } },
                );
              if (res.status >= 300) {
                if (!killed) failures.push(`${user.username}: ${res.status}`);
                return;
              }
            } catch (error) {
              if (!killed) failures.push(`${user.username}: ${error}`);
              return;
            }
            if (react) {
              log.reactions.add(emoji);
              log.reactionInFlight = null;
            } else {
              log.acked = content;
              log.inFlight = null;
            }
            acked++;
          }
        });
        await waitFor(() => acked >= 40 || failures.length > 0, {
          what: `40 acknowledged changes in round ${round}`,
          timeoutMs: 60_000,
          intervalMs: 5,
        });
        await sleep(Math.floor(Math.random() * 300));
        killed = true;
        await server.kill();
        await Promise.all(editors);
        assert.deepEqual(failures, [], `changes failed before the kill`);

        server = await HearthProcess.start(db);
        const api = new Api(server.url, users[0].token);
        const res = await api.get(`/channels/${channelId}/messages?limit=200`);
        const bySeq = new Map(
          (res.body as {
            seq: number;
            rev: number;
            content: string;
            reactions: { emoji: string; userIds: string[] }[];
          }[]).map((m) => [m.seq, m]),
        );
        logs.forEach((log, i) => {
          const message = bySeq.get(log.seq)!;
          // The acknowledged edit, or the one in flight, which may have landed.
          assert.ok(
            message.content === log.acked || message.content === log.inFlight,
            `editor ${i}: "${message.content}", acknowledged "${log.acked}"`,
          );
          log.acked = message.content;
          log.inFlight = null;
          const emoji = message.reactions.map((r) => r.emoji);
          for (const e of log.reactions) {
            assert.ok(emoji.includes(e), `editor ${i}: acknowledged ${e} lost`);
          }
          for (const e of emoji) log.reactions.add(e);
        });
        // The change log agrees with the messages: each once, revs rising,
        // and the channel's rev is the newest.
        const changes = await api.get(
          `/channels/${channelId}/changes?since=0&limit=200`,
        );
        const revs = changes.body.map((m: { rev: number }) => m.rev);
        assert.equal(revs.length, bySeq.size);
        assert.deepEqual(revs, revs.toSorted((a: number, b: number) => a - b));
        const channel = (await api.get("/channels")).body.find((
          c: { id: string },
        ) => c.id === channelId);
        assert.equal(channel.rev, revs.at(-1));
        console.log(
          `edit round ${round}: ${acked} changes acknowledged before the kill`,
        );
      }
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  }));
