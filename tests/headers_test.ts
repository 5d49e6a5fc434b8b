/**
 * Security headers on every kind of response (pages, API JSON, errors, static
 * files, island bundles, file downloads), page HTML without inline script,
 * logs that never hold a token or a query string, and 500s that show only
 * their request id.
 */
import assert from "node:assert/strict";
import { setLogSink } from "../lib/log.ts";
import { waitFor } from "./helpers/deadline.ts";
import {
  createChannel,
  FrameSocket,
  request,
  signIn,
  signUp,
  socketUrl,
  type TestServer,
  uniqueName,
  upgradeStatus,
  withHearth,
} from "./helpers/api.ts";

const HTML = { accept: "text/html,application/xhtml+xml" };

/** One request of the sweep; `token` marks requests made as the signed-in user. */
interface Probe {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  token?: boolean;
  body?: () => BodyInit;
  status: number;
  /** A user's file: never a page of the app, so it is held to the download rules. */
  download?: boolean;
}

/** Captures log lines for the length of `body`, restoring the previous sink. */
async function capturingLogs<T>(
  body: (lines: string[]) => Promise<T>,
): Promise<T> {
  const lines: string[] = [];
  // Lines still reach the buffer, so a failing test shows them.
  const previous = setLogSink((line) => {
    lines.push(line);
    previous(line);
  });
  try {
    return await body(lines);
  } finally {
    setLogSink(previous);
  }
}

/** The directives of a Content-Security-Policy, by name. */
function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

/** Every `<script>` start tag that carries code in the page itself. */
function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>/gi)]
    .filter(([, attrs]) =>
      !/\bsrc\s*=/i.test(attrs) &&
      !/\btype\s*=\s*["']?application\/json["']?/i.test(attrs)
    )
    .map(([tag]) => tag);
}

/**
 * What is wrong with one response's headers (and body, for pages); empty when
 * fine. A user's file is not a page even when it is HTML: it must be sandboxed
 * (no script, no plugins, an opaque origin) and, unless it is an inline-safe
 * type such as PNG, sent as an attachment.
 */
function checkResponse(
  res: Response,
  body: string,
  download = false,
): string[] {
  const problems: string[] = [];
  const h = res.headers;
  if (h.get("x-content-type-options")?.toLowerCase() !== "nosniff") {
    problems.push(
      `X-Content-Type-Options is ${h.get("x-content-type-options")}`,
    );
  }
  if (!h.get("referrer-policy")) problems.push("no Referrer-Policy");
  if (res.status !== 101 && !h.get("x-request-id")) {
    problems.push("no X-Request-Id");
  }
  if (download) {
    const d = directives(h.get("content-security-policy") ?? "");
    if (!d.has("sandbox") || d.get("default-src")?.join(" ") !== "'none'") {
      problems.push(
        `download CSP is not "sandbox; default-src 'none'": ${
          h.get("content-security-policy")
        }`,
      );
    }
    if (
      res.status < 300 &&
      !/^attachment\b/.test(h.get("content-disposition") ?? "")
    ) {
      problems.push(
        `an HTML file is not an attachment: ${h.get("content-disposition")}`,
      );
    }
    if (!h.get("x-frame-options")) problems.push("download can be framed");
  } else if ((h.get("content-type") ?? "").startsWith("text/html")) {
    const csp = h.get("content-security-policy");
    if (!csp) {
      problems.push("HTML without Content-Security-Policy");
    } else {
      const d = directives(csp);
      const scripts = d.get("script-src") ?? d.get("default-src");
      if (!scripts) problems.push(`CSP limits no scripts: ${csp}`);
      else if (scripts.includes("'unsafe-inline'")) {
        problems.push(`script-src allows 'unsafe-inline': ${csp}`);
      }
      if (d.get("frame-ancestors")?.join(" ") !== "'none'") {
        problems.push(`CSP without frame-ancestors 'none': ${csp}`);
      }
    }
    const inline = inlineScripts(body);
    if (inline.length > 0) {
      problems.push(`inline script in the page: ${inline.join(" ")}`);
    }
  }
  return problems;
}

/** Signs up, creates a channel and shares a file: what the probes point at. */
async function setUp(server: TestServer) {
  const user = await signUp(server.base, uniqueName("hdr"));
  const channel = await createChannel(user.api);
  const posted = await user.api.post(`/channels/${channel.id}/messages`, {
    content: "hi",
  });
  assert.equal(posted.status, 201);
  const form = new FormData();
  form.set(
    "file",
    new File(["<script>alert(1)</script>"], "x.html", { type: "text/html" }),
  );
  const shared = await request(
    server.base,
    "POST",
    `/channels/${channel.id}/files`,
    { token: user.token, body: form },
  );
  assert.equal(shared.status, 201, JSON.stringify(shared.body));
  return { user, channel, fileId: shared.body.file.id as string };
}

Deno.test("every response carries the security headers; pages have a strict CSP and no inline script", async () => {
  await capturingLogs(() =>
    withHearth(async (server) => {
      const { base } = server;
      const { user, channel, fileId } = await setUp(server);
      const home = await fetch(new URL("/", base), { headers: HTML });
      const homeHtml = await home.text();
      assert.equal(home.status, 200);
      // The island boot script, and every module it imports, are served bundles.
      const client = homeHtml.match(/src="(\/_fresh\/js\/[^"]+\.js)"/)?.[1];
      assert.ok(client, "the / page loads no /_fresh/js/ bundle");
      const clientJs = await (await fetch(new URL(client, base))).text();
      const chunks = [...clientJs.matchAll(/"\.\/([\w.-]+\.js)"/g)].map((m) =>
        `/_fresh/js/${m[1]}`
      );
      assert.ok(chunks.length > 0, "the boot script imports no island chunk");
      const etag =
        (await fetch(new URL("/styles.css", base)).then(async (r) => {
          await r.body?.cancel();
          return r.headers.get("etag");
        }))!;
      const logoutToken = await signIn(base, user.username, user.password);
      const stranger = await signUp(base, uniqueName("stranger"));
      const secret = await createChannel(user.api, uniqueName("secret"), {
        private: true,
      });
      const c = channel.id;

      const probes: Probe[] = [
        // Pages, and the error pages browsers see.
        { name: "home page", path: "/", headers: HTML, status: 200 },
        {
          name: "home page, signed in",
          path: "/",
          headers: { ...HTML, cookie: `hearth_token=${user.token}` },
          status: 302,
        },
        {
          name: "channel page",
          path: `/c/${c}`,
          // As a signed-in browser asks: the session cookie, wanting HTML.
          headers: { ...HTML, cookie: `hearth_token=${user.token}` },
          status: 200,
        },
        {
          name: "browse page",
          path: "/browse",
          headers: { ...HTML, cookie: `hearth_token=${user.token}` },
          status: 200,
        },
        {
          name: "403 page",
          path: `/c/${secret.id}`,
          headers: { ...HTML, cookie: `hearth_token=${stranger.token}` },
          status: 403,
        },
        {
          name: "redirect when signed out",
          path: "/browse",
          headers: HTML,
          status: 302,
        },
        { name: "404 page", path: "/no/such/page", headers: HTML, status: 404 },
        { name: "401 page", path: "/me", headers: HTML, status: 401 },
        {
          name: "405 page",
          method: "HEAD",
          path: "/channels/x/join",
          headers: HTML,
          status: 405,
        },
        // API JSON.
        { name: "healthz", path: "/healthz", status: 200 },
        { name: "me", path: "/me", token: true, status: 200 },
        {
          name: "channels",
          path: "/channels?scope=all",
          token: true,
          status: 200,
        },
        {
          name: "messages",
          path: `/channels/${c}/messages?limit=5`,
          token: true,
          status: 200,
        },
        {
          name: "post message",
          method: "POST",
          path: `/channels/${c}/messages`,
          token: true,
          headers: { "content-type": "application/json" },
          body: () => JSON.stringify({ content: "headers" }),
          status: 201,
        },
        {
          name: "logout",
          method: "POST",
          path: "/auth/logout",
          headers: { authorization: `Bearer ${logoutToken}` },
          status: 204,
        },
        // API errors.
        { name: "404 JSON", path: "/no/such/thing", status: 404 },
        {
          name: "404 channel",
          path: `/channels/nope/messages`,
          token: true,
          status: 404,
        },
        { name: "405 JSON", method: "DELETE", path: "/healthz", status: 405 },
        { name: "401 JSON", path: "/me", status: 401 },
        {
          name: "400 JSON",
          method: "POST",
          path: "/channels",
          token: true,
          headers: { "content-type": "application/json" },
          body: () => "{not json",
          status: 400,
        },
        {
          name: "415 JSON",
          method: "POST",
          path: "/channels",
          token: true,
          headers: { "content-type": "text/plain" },
          body: () => "name=x",
          status: 415,
        },
        {
          name: "422 JSON",
          method: "POST",
          path: "/channels",
          token: true,
          headers: { "content-type": "application/json" },
          body: () => JSON.stringify({ name: "" }),
          status: 422,
        },
        {
          name: "426 socket without upgrade",
          path: `/ws/channels/${c}`,
          token: true,
          status: 426,
        },
        // Static files and island bundles.
        { name: "stylesheet", path: "/styles.css", status: 200 },
        { name: "icon", path: "/icon.svg", status: 200 },
        { name: "manifest", path: "/manifest.webmanifest", status: 200 },
        {
          name: "stylesheet 304",
          path: "/styles.css",
          headers: { "if-none-match": etag },
          status: 304,
        },
        { name: "boot script", path: client, status: 200 },
        ...chunks.map((path) => ({ name: "island chunk", path, status: 200 })),
        // File downloads (an HTML file: the riskiest one to serve).
        {
          name: "download",
          path: `/files/${fileId}`,
          token: true,
          status: 200,
          download: true,
        },
        {
          name: "download range",
          path: `/files/${fileId}`,
          token: true,
          headers: { range: "bytes=0-3" },
          status: 206,
          download: true,
        },
        {
          name: "download HEAD",
          method: "HEAD",
          path: `/files/${fileId}`,
          token: true,
          status: 200,
          download: true,
        },
        {
          name: "download 416",
          path: `/files/${fileId}`,
          token: true,
          headers: { range: "bytes=9999-" },
          status: 416,
        },
        { name: "download 404", path: `/files/${fileId}`, status: 404 },
      ];

      const failures: string[] = [];
      for (const probe of probes) {
        const headers = new Headers(probe.headers);
        if (probe.token) headers.set("authorization", `Bearer ${user.token}`);
        const res = await fetch(new URL(probe.path, base), {
          method: probe.method ?? "GET",
          headers,
          body: probe.body?.(),
          redirect: "manual",
        });
        const body = await res.text();
        const label = `${probe.name} (${probe.method ?? "GET"} ${probe.path})`;
        if (res.status !== probe.status) {
          failures.push(`${label}: status ${res.status}, want ${probe.status}`);
        }
        for (const problem of checkResponse(res, body, probe.download)) {
          failures.push(`${label} [${res.status}]: ${problem}`);
        }
      }
      // The upgrade itself answers 101 for a member.
      assert.equal(
        await upgradeStatus(socketUrl(base, c, user.token)),
        101,
      );
      assert.deepEqual(failures, [], failures.join("\n"));
    })
  );
});

Deno.test("logs never hold a token or a query string, and do log the upgrade", async () => {
  await capturingLogs(async (lines) => {
    await withHearth(async (server) => {
      const { base } = server;
      const { user, channel } = await setUp(server);
      const marker = `q${crypto.randomUUID().replaceAll("-", "")}`;
      const socket = await FrameSocket.open(base, channel.id, user.token, 0);
      await socket.next("ready");
      await socket.close();
      // A refused upgrade with a token, and requests with query strings.
      const stranger = await signUp(base, uniqueName("stranger"));
      assert.equal(
        await upgradeStatus(socketUrl(base, channel.id, stranger.token)),
        403,
      );
      for (
        const path of [
          `/channels?scope=all&probe=${marker}`,
          `/channels/${channel.id}/messages?limit=5&probe=${marker}`,
          `/no/such/thing?probe=${marker}`,
          `/ws/channels/${channel.id}?token=${marker}`,
        ]
      ) {
        await request(base, "GET", path, { token: user.token });
      }
      // Socket close lines are written when the server notices the close.
      await waitFor(
        () => lines.some((l) => JSON.parse(l).msg === "socket closed"),
        { what: "The socket closed log line" },
      );
      const secrets = [
        user.token,
        user.token.split(".")[2],
        stranger.token,
        stranger.token.split(".")[2],
        marker,
      ];
      for (const line of lines) {
        for (const secret of secrets) {
          assert.ok(
            !line.includes(secret),
            `a log line leaks ${secret}: ${line}`,
          );
        }
        const entry = JSON.parse(line);
        if (typeof entry.path === "string") {
          assert.ok(!entry.path.includes("?"), `query string logged: ${line}`);
        }
      }
      const upgrade = lines.map((l) => JSON.parse(l)).find((entry) =>
        entry.msg === "request" &&
        entry.path === `/ws/channels/${channel.id}` && entry.status === 101
      );
      assert.ok(
        upgrade,
        `no request line for the upgrade:\n${lines.join("\n")}`,
      );
      assert.ok(upgrade.requestId, "the upgrade line has no request id");
    });
  });
});

Deno.test("a 500 shows only its request id; the log line with that id holds the details", async () => {
  await capturingLogs(async (lines) => {
    await withHearth(async (server) => {
      const { base, services } = server;
      const marker = `boom${crypto.randomUUID().replaceAll("-", "")}`;
      const query = `q${crypto.randomUUID().replaceAll("-", "")}`;
      // A storage fault in /healthz, the one route that reads KV without a session.
      const kv = services.kv;
      const original = kv.get;
      kv.get = (() =>
        Promise.reject(new Error(`KV fault ${marker}`))) as typeof kv.get;
      const answers: { res: Response; body: string }[] = [];
      try {
        for (const headers of [{}, HTML]) {
          const res = await fetch(new URL(`/healthz?probe=${query}`, base), {
            headers,
          });
          answers.push({ res, body: await res.text() });
        }
      } finally {
        Reflect.deleteProperty(kv, "get");
      }
      assert.equal(kv.get, original, "KV get was not restored");
      assert.equal((await request(base, "GET", "/healthz")).status, 200);

      for (const line of lines) {
        assert.ok(!line.includes(query), `query string logged: ${line}`);
      }
      const [json, page] = answers;
      for (const { res, body } of answers) {
        assert.equal(res.status, 500);
        assert.deepEqual(checkResponse(res, body), []);
        const id = res.headers.get("x-request-id")!;
        assert.ok(body.includes(id), `the 500 does not show its id: ${body}`);
        assert.ok(!body.includes(marker), `the 500 leaks the error: ${body}`);
        assert.ok(
          !/\bat \S+ \(|\.ts:\d|\w+Error:/.test(body),
          `stack: ${body}`,
        );
        const logged = lines.map((l) =>
          JSON.parse(l)
        ).find((entry) =>
          entry.requestId === id && entry.level === "error" &&
          entry.msg !== "request"
        );
        assert.ok(logged, `no error log line for ${id}`);
        assert.match(String(logged.error), new RegExp(marker));
        // The log names the path, never the query string.
        assert.equal(logged.path, "/healthz");
      }
      const parsed = JSON.parse(json.body);
      assert.deepEqual(Object.keys(parsed).sort(), ["code", "detail"]);
      assert.equal(parsed.code, "internal_error");
      assert.match(page.res.headers.get("content-type") ?? "", /^text\/html/);
    });
  });
});
