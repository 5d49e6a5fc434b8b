import assert from "node:assert/strict";
import { setLogSink } from "../log.ts";
import { requestIdOf, withEnvelope } from "./envelope.ts";

/** Runs `body` with log lines captured instead of printed. */
async function capturingLogs(
  body: (lines: string[]) => Promise<void>,
): Promise<void> {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  try {
    await body(lines);
  } finally {
    setLogSink(previous);
  }
}

const INFO = undefined;

Deno.test("the envelope gives a response its headers, the request's id and a log line", async () => {
  await capturingLogs(async (lines) => {
    let seen = "";
    const handler = withEnvelope((req: Request, _info: undefined) => {
      seen = requestIdOf(req);
      // Immutable headers, as a redirect's are: the envelope copies them.
      return Promise.resolve(Response.redirect("http://localhost/next", 303));
    });
    const res = await handler(new Request("http://localhost/go?t=x"), INFO);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "http://localhost/next");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.ok(res.headers.get("content-security-policy"));
    assert.equal(res.headers.get("x-request-id"), seen);
    const entry = JSON.parse(lines.at(-1)!);
    assert.equal(entry.msg, "request");
    assert.equal(entry.requestId, seen);
    assert.equal(entry.path, "/go");
    assert.equal(entry.status, 303);
  });
});

Deno.test("the envelope answers a handler that throws with a headed 500", async () => {
  await capturingLogs(async (lines) => {
    const handler = withEnvelope((_req: Request, _info: undefined) =>
      Promise.reject(new Error("framework fault"))
    );
    const res = await handler(new Request("http://localhost/x"), INFO);
    assert.equal(res.status, 500);
    assert.equal(await res.text(), "Internal server error");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    const id = res.headers.get("x-request-id");
    assert.ok(id);
    const fault = lines.map((l) => JSON.parse(l)).find((e) =>
      e.level === "error" && e.msg !== "request"
    );
    assert.equal(fault?.requestId, id);
    assert.match(String(fault?.error), /framework fault/);
  });
});
