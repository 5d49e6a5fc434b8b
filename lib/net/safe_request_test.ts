import assert from "node:assert/strict";
import { RefusedTarget, safePost } from "./safe_request.ts";

const STRICT = { allowPrivate: false };
const LOOSE = { allowPrivate: true };

/** A receiver on 127.0.0.1 that counts what reaches it and answers with `answer`. */
function receiver(answer: (req: Request) => Response | Promise<Response>) {
  const paths: string[] = [];
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (req) => {
      paths.push(new URL(req.url).pathname);
      await req.body?.cancel();
      return await answer(req);
    },
  );
  return {
    paths,
    port: server.addr.port,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

async function refused(url: string, policy = STRICT): Promise<string> {
  const error = await safePost(url, "{}", {}, policy).then(
    () => null,
    (e) => e,
  );
  assert.ok(error instanceof RefusedTarget, `${url}: ${error}`);
  return error.message;
}

Deno.test("safePost() refuses IPv4-mapped IPv6, 0.0.0.0, link-local and loopback literals", async () => {
  await using target = receiver(() => new Response("ok"));
  const port = target.port;
  for (
    const url of [
      `https://[::ffff:127.0.0.1]:${port}/`,
      `https://[::ffff:7f00:1]:${port}/`,
      `https://0.0.0.0:${port}/`,
      `https://[::]:${port}/`,
      `https://127.0.0.1:${port}/`,
      `https://[::1]:${port}/`,
      "https://169.254.169.254/latest/meta-data",
      "https://[fe80::1]/",
      "https://[fd00::1]/",
      "https://100.64.0.1/",
    ]
  ) assert.match(await refused(url), /private address/, url);
  assert.deepEqual(target.paths, []);
});

Deno.test("safePost() refuses a name that resolves to loopback, checked when connecting", async () => {
  await using target = receiver(() => new Response("ok"));
  // `localhost` comes from /etc/hosts: the refusal is the lookup's, not a name rule's.
  const message = await refused(`https://localhost:${target.port}/`);
  assert.match(message, /"localhost" resolves to (127\.0\.0\.1|::1)/);
  // A name whose records point inside (as a rebinding attacker's would, at use time).
  const rebinding = {
    allowPrivate: false,
    resolve: () => Promise.resolve(["93.184.216.34", "::ffff:10.0.0.1"]),
  };
  assert.match(
    await refused("https://rebind.example/", rebinding),
    /resolves to ::ffff:10\.0\.0\.1/,
  );
  assert.deepEqual(target.paths, []);
});

Deno.test("safePost() refuses http, credentials and garbage unless private targets are allowed", async () => {
  for (
    const url of [
      "http://example.com/",
      "ftp://example.com/",
      "https://user:pw@example.com/",
      "not a url",
    ]
  ) await refused(url);
  await using target = receiver(() => new Response("ok"));
  const res = await safePost(
    `http://localhost:${target.port}/hook`,
    "{}",
    {},
    LOOSE,
  );
  assert.equal(res.status, 200);
  assert.equal(new TextDecoder().decode(res.body), "ok");
  assert.deepEqual(target.paths, ["/hook"]);
});

Deno.test("safePost() never follows a redirect", async () => {
  await using target = receiver((req) =>
    new URL(req.url).pathname === "/start"
      ? new Response(null, {
        status: 302,
        headers: { location: "/elsewhere" },
      })
      : new Response("followed")
  );
  const res = await safePost(
    `http://127.0.0.1:${target.port}/start`,
    "{}",
    {},
    LOOSE,
  );
  assert.equal(res.status, 302);
  assert.deepEqual(target.paths, ["/start"]);
});

Deno.test("safePost() gives up at its timeout and reads no more than its cap", async () => {
  let release = () => {};
  const held = new Promise<void>((resolve) => release = resolve);
  await using slow = receiver(async () => {
    await held;
    return new Response("late");
  });
  const started = Date.now();
  await assert.rejects(
    safePost(`http://127.0.0.1:${slow.port}/`, "{}", {}, LOOSE, {
      timeoutMs: 200,
      maxResponseBytes: 10,
    }),
    /No answer within 200 ms/,
  );
  assert.ok(Date.now() - started < 5000);
  release();
  await using big = receiver(() => new Response("x".repeat(1_000_000)));
  const res = await safePost(`http://127.0.0.1:${big.port}/`, "{}", {}, LOOSE, {
    timeoutMs: 5000,
    maxResponseBytes: 1000,
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.byteLength, 1000);
});
