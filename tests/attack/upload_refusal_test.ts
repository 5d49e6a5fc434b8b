/**
 * Refused uploads end cleanly. An oversized body is answered with a 413 that
 * says `Connection: close` as soon as the limit is known, while the client
 * still has most of its bytes to send; a malformed RFC 8187 `filename*` is a
 * 400 naming the problem, and nothing about either reaches the log except
 * one JSON object per line.
 */
import assert from "node:assert/strict";
import { createChannel, signUp, withHearth } from "../helpers/api.ts";
import { withDeadline } from "../helpers/deadline.ts";
import { logMark, logSince } from "../helpers/server_log.ts";

const MIB = 1024 * 1024;
const BOUNDARY = "refusal-boundary";
const encoder = new TextEncoder();

interface Head {
  status: number;
  headers: Headers;
}

// Reads until the end of the response head; what follows it is ignored.
async function readHead(conn: Deno.Conn): Promise<Head> {
  const buf = new Uint8Array(16 * 1024);
  let got = "";
  while (!got.includes("\r\n\r\n")) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`EOF before the response head: ${got}`);
    got += new TextDecoder().decode(buf.subarray(0, n));
  }
  const [statusLine, ...lines] = got.split("\r\n\r\n")[0].split("\r\n");
  const headers = new Headers();
  for (const line of lines) {
    const at = line.indexOf(":");
    headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return { status: Number(statusLine.split(" ")[1]), headers };
}

/**
 * Sends `head` declaring `declared` body bytes (0: chunked), then only `start` of them,
 * and answers the response head read while the rest is still unsent.
 */
async function refusedEarly(
  port: number,
  head: string[],
  declared: number,
  start: Uint8Array,
): Promise<Head> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const lines = [...head, `Host: 127.0.0.1:${port}`];
    // A declared length of 0 sends `start` as the first chunk of a chunked body.
    lines.push(
      declared > 0
        ? `Content-Length: ${declared}`
        : "Transfer-Encoding: chunked",
      "",
      "",
    );
    if (declared === 0) {
      start = new Uint8Array([
        ...encoder.encode(`${start.length.toString(16)}\r\n`),
        ...start,
        ...encoder.encode("\r\n"),
      ]);
    }
    await conn.write(encoder.encode(lines.join("\r\n")));
    await conn.write(start);
    return await withDeadline(readHead(conn), 5_000, "The refusal");
  } finally {
    conn.close();
  }
}

function filePart(disposition: string, body = "hello"): string {
  return (`--${BOUNDARY}\r\nContent-Disposition: form-data; ${disposition}\r\n` +
    `Content-Type: text/plain\r\n\r\n${body}\r\n--${BOUNDARY}--\r\n`);
}

Deno.test("an upload over the limit answers 413 with Connection: close before its body is sent", async () => {
  await withHearth(async (server) => {
    const ada = await signUp(server.base);
    const room = await createChannel(ada.api);
    const head = [
      `POST /channels/${room.id}/files HTTP/1.1`,
      `Authorization: Bearer ${ada.token}`,
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
    ];
    const start = encoder.encode(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; ` +
        `filename="big.bin"\r\n\r\n`,
    );
    // Refused from the declared length alone, before any of the file.
    const declared = await refusedEarly(server.port, head, 400 * MIB, start);
    assert.equal(declared.status, 413);
    assert.equal(declared.headers.get("connection"), "close");

    // Within the room for multipart overhead: refused once the file crosses 1 MiB.
    const crossed = await refusedEarly(
      server.port,
      head,
      1.5 * MIB,
      new Uint8Array([...start, ...new Uint8Array(MIB + 64 * 1024)]),
    );
    assert.equal(crossed.status, 413);
    assert.equal(crossed.headers.get("connection"), "close");
  }, ["--max-upload-mb", "1"]);
});

Deno.test("a JSON body over its limit answers 413 with Connection: close before it is sent", async () => {
  await withHearth(async (server) => {
    const ada = await signUp(server.base);
    const res = await refusedEarly(
      server.port,
      [
        "POST /channels HTTP/1.1",
        `Authorization: Bearer ${ada.token}`,
        "Content-Type: application/json",
      ],
      400 * MIB,
      encoder.encode('{"name": "'),
    );
    assert.equal(res.status, 413);
    assert.equal(res.headers.get("connection"), "close");

    // No length declared: refused once 64 KiB have been read.
    const streamed = await refusedEarly(
      server.port,
      [
        "POST /channels HTTP/1.1",
        `Authorization: Bearer ${ada.token}`,
        "Content-Type: application/json",
      ],
      0,
      encoder.encode('{"name": "' + "x".repeat(100 * 1024)),
    );
    assert.equal(streamed.status, 413);
    assert.equal(streamed.headers.get("connection"), "close");
  });
});

for (
  const [label, disposition] of [
    ["a cut-off escape", `name="file"; filename*=UTF-8''%E0%A4%A`],
    ["an escape that is not UTF-8", `name="file"; filename*=UTF-8''%E0%A4`],
    ["no charset", `name="file"; filename="a.txt"; filename*=bogus`],
    ["an unknown charset", `name="file"; filename*=x-bogus''a.txt`],
  ]
) {
  Deno.test(`a filename* with ${label} is a 400 and every log line is JSON`, async () => {
    await withHearth(async (server) => {
      const ada = await signUp(server.base);
      const room = await createChannel(ada.api);
      const mark = logMark();
      // What bypasses lib/log.ts would land here, not in the buffered log.
      const printed: unknown[][] = [];
      const saved = { warn: console.warn, error: console.error };
      console.warn = console.error = (...args: unknown[]) => printed.push(args);
      let res;
      try {
        res = await ada.api.send("POST", `/channels/${room.id}/files`, {
          body: filePart(disposition),
          headers: {
            "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
          },
        });
      } finally {
        Object.assign(console, saved);
      }
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.code, "malformed_multipart");
      assert.match(res.body.detail, /filename\*/);
      assert.deepEqual(printed, []);
      const lines = logSince(mark);
      assert.ok(lines.length > 0, "the request was logged");
      for (const line of lines) {
        assert.doesNotThrow(() => JSON.parse(line), line);
      }
    });
  });
}

Deno.test("a well-formed filename* still names the file", async () => {
  await withHearth(async (server) => {
    const ada = await signUp(server.base);
    const room = await createChannel(ada.api);
    const res = await ada.api.send("POST", `/channels/${room.id}/files`, {
      body: filePart(
        `name="file"; filename="x"; filename*=UTF-8''na%C3%AFve.txt`,
      ),
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.file.name, "naïve.txt");
  });
});
