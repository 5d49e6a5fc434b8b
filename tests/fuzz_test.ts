/**
 * Bad input everywhere, property-based with fast-check, against a real server
 * on 127.0.0.1.
 *
 * Every route in `fresh.gen.ts`, with each of its methods and the ones it does
 * not have, gets random and adversarial requests: good, revoked, forged and
 * garbage credentials (header, cookie), good and garbage path params (very
 * long, unicode, `%`-escapes, `..`), garbage query strings and headers
 * (Content-Type, Accept, Origin, Range, forwarding and upgrade headers), and
 * bodies of every wrong shape (JSON of wrong types, deep nesting, hundreds of
 * KiB, invalid UTF-8, binary, form-encoded, broken multipart). Then WebSocket
 * upgrades, random client frames over a real socket, and hand-built protocol
 * violations over raw TCP.
 *
 * Properties: no response is a 5xx; a 4xx is either exactly
 * `{detail: string, code: string}` JSON or, only for a GET or HEAD whose
 * Accept asks for text/html, an HTML page; every answer carries
 * `X-Request-Id`; the server stays healthy after every batch and logs no
 * server fault; a socket answers each bad frame with one `error` frame (or
 * closes with 1009 when it is over 16 KiB) and keeps working for good frames.
 *
 * The seed is fixed; `FUZZ_SEED=<n>` runs another one and `FUZZ_RUNS=<x>`
 * scales the number of cases (1 by default).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { SignJWT } from "jose";
import manifest from "../fresh.gen.ts";
import { setLogSink } from "../lib/log.ts";
import type { ServerFrame } from "../lib/shared/wire.ts";
import {
  type Account,
  createChannel,
  FrameSocket,
  request,
  signIn,
  signUp,
  socketUrl,
} from "./helpers/api.ts";
import { DeadlineError, waitFor, withDeadline } from "./helpers/deadline.ts";
import { startTestServer } from "./helpers/server.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20_240_611);
const SCALE = Number(Deno.env.get("FUZZ_RUNS") ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

const ALL_METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
];
const MAX_FRAME_BYTES = 16 * 1024;
const encoder = new TextEncoder();
const PASSWORD = "correct horse battery";

// ---------------------------------------------------------------------------
// The routes under test, straight from the generated manifest.

interface Endpoint {
  /** e.g. `/channels/[id]/messages` */
  template: string;
  methods: string[];
}

function endpointsFromManifest(): Endpoint[] {
  const out: Endpoint[] = [];
  for (const [file, mod] of Object.entries(manifest.routes)) {
    const parts = file.replace(/\.(tsx|ts|jsx|js)$/, "").split("/");
    if (parts.some((p) => p.startsWith("_"))) continue;
    const segments = parts.filter((p, i) =>
      !/^\(.+\)$/.test(p) && !(p === "index" && i === parts.length - 1)
    );
    const handler = mod.handler;
    const methods = typeof handler === "function"
      ? ALL_METHODS
      : handler && typeof handler === "object"
      ? Object.keys(handler)
      : mod.default
      ? ["GET"]
      : [];
    out.push({
      template: "/" + segments.join("/"),
      methods: methods.length ? methods : ["GET"],
    });
  }
  return out.sort((a, b) => a.template.localeCompare(b.template));
}

// ---------------------------------------------------------------------------
// What the fuzzer knows about the world, set up once per run.

interface World {
  base: string;
  alice: Account;
  bob: Account;
  /** Channel ids: alice's public and private channels, bob's private one, general, their DM. */
  channelIds: string[];
  /** File ids: one alice can read, one she cannot. */
  fileIds: string[];
  /** Invite codes: alice's to her public channel, bob's to his private one. */
  inviteCodes: string[];
  /** A channel of alice's that cases may rename or delete. */
  doomedId: string;
  /** Incoming webhook ids and the secrets of their URLs (alice's, in her open channel). */
  hookIds: string[];
  hookSecrets: string[];
  /** A bot's API token (the founder's bot, in alice's open channel). */
  botToken: string;
  revoked: string;
  forged: string[];
}

/** Credentials as a kind, resolved per case (a logout must not burn the shared token). */
type AuthKind =
  | { kind: "none" }
  | { kind: "valid"; via: "bearer" | "cookie" }
  | { kind: "fixed"; authorization?: string; cookie?: string };

interface HttpCase {
  method: string;
  template: string;
  params: string[];
  query: string;
  auth: AuthKind;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

// ---------------------------------------------------------------------------
// Arbitraries.

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) =>
  String.fromCharCode(c)
);
const latin1 = fc.integer({ min: 0x20, max: 0xff })
  .filter((c) => c !== 0x7f)
  .map((c) => String.fromCharCode(c));
/** A header value: printable ASCII, sometimes Latin-1 bytes. */
const headerGarbage = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: printable, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: latin1, maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom("a", "=", ";", ",", '\\"'),
      fc.nat(4000),
    )
      .map(([s, n]) => s.repeat(n)),
  },
);

const BAD_UTF8: number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xc3],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xf0, 0x9f, 0x98],
];
const badUtf8 = fc.array(fc.constantFrom(...BAD_UTF8), {
  minLength: 1,
  maxLength: 4,
}).map((seqs) => Uint8Array.from(seqs.flat()));

function concatBytes(
  ...parts: (string | Uint8Array)[]
): Uint8Array<ArrayBuffer> {
  const chunks = parts.map((p) =>
    typeof p === "string" ? encoder.encode(p) : p
  );
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

const shortText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "\t\n ",
    "\u0000",
    "\u202egnp.exe",
    "\u200b",
    "Ali\u3164ce",
    "\u2800\u034f",
    "\u2028",
    "a\ud800b",
    "\udc00",
    "a\r\nb",
    "\u001b[31mred",
    "null",
    "__proto__",
    "<script>alert(1)</script>",
    "general",
    "💥".repeat(40),
  ),
);

/** Strings long enough to pass every limit, up to a few hundred KiB. */
const hugeText = fc.tuple(
  fc.constantFrom("x", "é", "𝕏", " ", "\\", "ab"),
  fc.integer({ min: 4_000, max: 400_000 }),
).map(([s, n]) => s.repeat(Math.ceil(n / s.length)));

/** Any JSON value, including the kinds of wrong type a field can have. */
const wrongValue = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      -0,
      1e308,
      -1,
      1.5,
      2 ** 53,
      Number.MAX_SAFE_INTEGER,
      "1",
      true,
      null,
      [],
      {},
      [[[[[]]]]],
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3000 }).map(nest) },
);

function nest(depth: number): unknown {
  let v: unknown = "deep";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

const clientIdLike = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/);

/** Plausible values per known field, so some cases get past validation. */
function plausible(field: string): fc.Arbitrary<unknown> {
  switch (field) {
    case "username":
      return fc.oneof(
        fc.stringMatching(/^fz[a-z0-9_.-]{1,12}$/),
        fc.constantFrom("fuzz_bob", "nobody", "ab", "x".repeat(33)),
      );
    case "password":
      return fc.string({ minLength: 0, maxLength: 90 });
    case "seq":
    case "replyTo":
      return fc.oneof(fc.nat(), fc.integer(), fc.double());
    case "private":
      return fc.boolean();
    case "clientId":
      return clientIdLike;
    case "grant_type":
      return fc.constantFrom("password", "client_credentials", "");
    case "invite":
      return fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        fc.constantFrom("AAAAAAAAAAAAAAAAAAAAAA", "", "x".repeat(65)),
      );
    case "usernames":
      return fc.oneof(
        fc.array(fc.stringMatching(/^fz[a-z0-9_.-]{1,12}$/), { maxLength: 12 }),
        fc.constant(["fuzz_bob"]),
        fc.constant(["fuzz_alice", "fuzz_bob"]),
      );
    case "channelId":
      return fc.oneof(fc.uuid(), fc.constantFrom("", "general"));
    case "maxUses":
    case "expiresInSeconds":
      return fc.oneof(
        fc.integer({ min: -5, max: 3_000_000 }),
        fc.double(),
        fc.constantFrom(0, 1, 59, 60, 1000, 1001, 2592000, 2592001),
      );
    default:
      return fc.oneof(
        { weight: 5, arbitrary: shortText },
        { weight: 1, arbitrary: hugeText },
      );
  }
}

const FIELDS = [
  "username",
  "password",
  "displayName",
  "name",
  "topic",
  "private",
  "seq",
  "content",
  "clientId",
  "grant_type",
  "replyTo",
  "invite",
  "channelId",
  "maxUses",
  "expiresInSeconds",
  "usernames",
];

const fieldObject = fc.record(
  Object.fromEntries(
    [...FIELDS, "__proto__", "constructor", "type"].map((f) => [
      f,
      fc.oneof(
        { weight: 4, arbitrary: plausible(f) },
        { weight: 2, arbitrary: wrongValue },
      ),
    ]),
  ),
  { requiredKeys: [] },
);

interface BodyCase {
  body?: string | Uint8Array;
  /** The Content-Type this body would naturally travel with. */
  type?: string;
}

const jsonBody = (text: string | Uint8Array): BodyCase => ({
  body: text,
  type: "application/json",
});

const brokenJson = fc.constantFrom(
  "{",
  "[",
  "nul",
  '{"a":}',
  "\uFEFF{}",
  '{"content":"a","content":5}',
  "1e999999",
  "-",
  '"\\ud800"',
  '{"seq": 1e400}',
  '{"seq": -0}',
  '{"__proto__": {"polluted": true}, "content": "x"}',
  '{"constructor": {"prototype": {"x": 1}}}',
  "[]",
  "null",
  '""',
  "0",
);

const formBody = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 10 })),
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom("%", "%zz", "%ff%fe", "%00", "+", "a%2", "password"),
    ),
  ),
  { maxLength: 6 },
).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));

interface PartSpec {
  name: string;
  filename: string | null;
  type: string | null;
  body: Uint8Array;
  style: "plain" | "star" | "nodisposition" | "junkheader" | "hugeheader";
}

const partSpec: fc.Arbitrary<PartSpec> = fc.record({
  name: fc.oneof(
    fc.constantFrom("file", "upload", "content", "clientId", "__proto__", ""),
    fc.string({ maxLength: 10 }),
  ),
  filename: fc.option(
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom("../../etc/passwd", "a\\b.txt", "é.png", ".", "\u202e"),
    ),
  ),
  type: fc.option(
    fc.constantFrom("text/plain", "image/png", "text/html", "garbage", ""),
  ),
  body: fc.oneof(
    { weight: 5, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
    {
      weight: 2,
      arbitrary: fc.string({ maxLength: 100 }).map((s) => encoder.encode(s)),
    },
    { weight: 1, arbitrary: badUtf8 },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 10_000, max: 300_000 }).map((n) =>
        new Uint8Array(n).fill(0x61)
      ),
    },
  ),
  style: fc.constantFrom(
    "plain",
    "plain",
    "plain",
    "star",
    "nodisposition",
    "junkheader",
    "hugeheader",
  ),
});

const boundaryArb = fc.oneof(
  fc.constantFrom("b", "----WebKitFormBoundary7MA4YWxk", "x".repeat(70)),
  fc.stringMatching(/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/),
);

function multipartBody(
  boundary: string,
  parts: PartSpec[],
  ending: "close" | "none" | "lf" | "truncate" | "epilogue",
  cut: number,
): Uint8Array {
  const chunks: (string | Uint8Array)[] = ["preamble\r\n"];
  const nl = ending === "lf" ? "\n" : "\r\n";
  for (const p of parts) {
    chunks.push(`--${boundary}${nl}`);
    const quoted = JSON.stringify(p.name);
    if (p.style === "star") {
      chunks.push(
        `Content-Disposition: form-data; name=${quoted}; filename*=UTF-8''${
          encodeURIComponent(p.filename ?? "x")
        }${nl}`,
      );
    } else if (p.style !== "nodisposition") {
      const file = p.filename === null
        ? ""
        : `; filename=${JSON.stringify(p.filename)}`;
      chunks.push(`Content-Disposition: form-data; name=${quoted}${file}${nl}`);
    }
    if (p.type !== null) chunks.push(`Content-Type: ${p.type}${nl}`);
    if (p.style === "junkheader") chunks.push(`:::\x01junk${nl}`);
    if (p.style === "hugeheader") {
      chunks.push(`X-Pad: ${"p".repeat(9000)}${nl}`);
    }
    chunks.push(nl, p.body, nl);
  }
  if (ending === "close" || ending === "lf" || ending === "truncate") {
    chunks.push(`--${boundary}--${nl}`);
  } else if (ending === "epilogue") {
    chunks.push(`--${boundary}--\r\nepilogue junk --${boundary}\r\n`);
  }
  const bytes = concatBytes(...chunks);
  return ending === "truncate"
    ? bytes.subarray(0, Math.floor(bytes.length * cut))
    : bytes;
}

function boundaryParam(boundary: string): string {
  return /^[0-9A-Za-z'+_\-.]+$/.test(boundary) ? boundary : `"${boundary}"`;
}

const multipart: fc.Arbitrary<BodyCase> = fc.record({
  boundary: boundaryArb,
  parts: fc.array(partSpec, { maxLength: 4 }),
  ending: fc.constantFrom(
    "close",
    "close",
    "none",
    "lf",
    "truncate",
    "epilogue",
  ),
  cut: fc.double({ min: 0, max: 1, noNaN: true }),
}).map(({ boundary, parts, ending, cut }) => ({
  body: multipartBody(
    boundary,
    parts,
    ending as "close",
    cut,
  ),
  type: `multipart/form-data; boundary=${boundaryParam(boundary)}`,
}));

/**
 * A body that is right for the route, or one mutation away from it, so that
 * cases also reach past validation into the handlers.
 */
function nearValidArb(template: string): fc.Arbitrary<BodyCase> | null {
  const text = fc.string({ minLength: 1, maxLength: 40 });
  const valid: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
    // Mostly a taken name: every well-formed registration counts against the
    // per-address limit (50 an hour), so few cases may create accounts.
    "/auth/register": fc.record({
      username: fc.oneof(
        { weight: 9, arbitrary: fc.constant("fuzz_bob") },
        { weight: 1, arbitrary: fc.stringMatching(/^fz[a-z0-9]{6}$/) },
      ),
      password: fc.constant("long enough password"),
      displayName: text,
      invite: fc.oneof(fc.constant("AAAAAAAAAAAAAAAAAAAAAA"), text),
    }, { requiredKeys: ["username", "password"] }),
    "/auth/login": fc.record({
      username: fc.constantFrom("fuzz_bob", "nobody"),
      password: fc.constantFrom(PASSWORD, "wrong password"),
    }),
    "/channels": fc.record({
      name: text,
      topic: text,
      private: fc.boolean(),
    }, { requiredKeys: ["name"] }),
    "/channels/[id]/members": fc.record({
      username: fc.constantFrom("fuzz_bob", "nobody"),
    }),
    "/channels/[id]/read": fc.record({ seq: fc.nat(50) }),
    "/channels/[id]/notifications": fc.record({
      level: fc.constantFrom("all", "mentions", "none", "loud", ""),
      muted: fc.oneof(fc.boolean(), fc.constant("yes")),
    }, { requiredKeys: [] }),
    "/channels/[id]/messages": fc.record({
      content: text,
      clientId: clientIdLike,
      replyTo: fc.nat(5),
    }, { requiredKeys: ["content"] }),
    "/channels/[id]/messages/[seq]": fc.record({ content: text }),
    "/me": fc.record({ displayName: text, status: text }, {
      requiredKeys: [],
    }),
    // The new password is the old one: a case that gets through changes
    // nothing later cases rely on.
    "/me/password": fc.record({
      currentPassword: fc.oneof(fc.constant(PASSWORD), text),
      newPassword: fc.constant(PASSWORD),
    }),
    // Never "owner": a transfer would leave the fuzzing account without its powers.
    "/users/[id]": fc.record({
      role: fc.constantFrom("member", "moderator", "admin", "superuser", ""),
    }),
    "/bans/[userId]": fc.record({
      reason: text,
      deleteMessagesSeconds: fc.oneof(
        fc.integer({ min: -5, max: 8 * 86400 }),
        fc.constant("60"),
      ),
    }, { requiredKeys: [] }),
    "/channels/[id]/messages/[seq]/report": fc.record({
      reason: fc.oneof(text, fc.constant(""), fc.constant("x".repeat(501))),
    }),
    "/reports/[id]": fc.record({
      resolution: text,
      deleteMessage: fc.oneof(fc.boolean(), fc.constant("yes")),
    }, { requiredKeys: [] }),
    // Never a registration mode: the server's is fixed by its flag.
    "/settings": fc.record({
      name: fc.oneof(text, fc.constant(""), fc.constant("a\nb")),
    }, { requiredKeys: [] }),
    "/timeouts/[userId]": fc.record({
      seconds: fc.integer({ min: -5, max: 30 * 86400 }),
      reason: text,
    }, { requiredKeys: [] }),
    "/channels/[id]": fc.record({
      name: text,
      topic: text,
      slowModeSeconds: fc.oneof(
        fc.integer({ min: -5, max: 30_000 }),
        fc.double(),
        fc.constant("5"),
      ),
      postPolicy: fc.constantFrom("everyone", "moderators", "admins", ""),
    }, { requiredKeys: [] }),
    "/friends": fc.record({
      username: fc.constantFrom("fuzz_bob", "nobody", "fuzz_alice", ""),
    }),
    "/dms": fc.record({
      usernames: fc.array(fc.constantFrom("fuzz_bob", "nobody", "fuzz_alice"), {
        maxLength: 11,
      }),
    }),
    "/invites": fc.record({
      channelId: fc.oneof(fc.uuid(), text),
      maxUses: fc.integer({ min: -5, max: 2000 }),
      expiresInSeconds: fc.integer({ min: -10, max: 40 * 86400 }),
    }, { requiredKeys: [] }),
    "/bots": fc.record({
      username: fc.oneof(
        fc.stringMatching(/^fzb[a-z0-9]{5}$/),
        fc.constant("fuzz_bob"),
        text,
      ),
      displayName: text,
    }, { requiredKeys: ["username"] }),
    "/bots/[id]": fc.record({
      webhookUrl: fc.oneof(
        fc.constantFrom(
          "https://hooks.example/in",
          "http://127.0.0.1:1/x",
          "https://[::ffff:127.0.0.1]/x",
          "https://0.0.0.0/x",
          "https://169.254.169.254/x",
          "javascript:alert(1)",
          "",
        ),
        fc.constant(null),
        text,
      ),
      webhookChannels: fc.array(fc.oneof(fc.uuid(), text), { maxLength: 60 }),
    }, { requiredKeys: [] }),
    "/channels/[id]/webhooks": fc.record({ name: text }),
    "/hooks/[id]/[secret]": fc.record({
      content: text,
      text,
      username: text,
      avatarUrl: fc.constantFrom(
        "https://ci.example/a.png",
        "http://ci.example/a.png",
        "data:image/png;base64,AAAA",
        "",
      ),
    }, { requiredKeys: [] }),
    "/push/subscriptions": fc.record({
      endpoint: fc.constantFrom(
        "https://push.example/a",
        "http://127.0.0.1:1/a",
        "https://localhost/a",
        "javascript:alert(1)",
        "",
      ),
      keys: fc.record({
        p256dh: fc.constantFrom("B".repeat(87), "x", ""),
        auth: fc.constantFrom("A".repeat(22), "=="),
      }),
    }, { requiredKeys: [] }),
  };
  if (template === "/channels/[id]/files") {
    return fc.record({
      content: fc.option(fc.string({ maxLength: 40 })),
      body: fc.uint8Array({ maxLength: 4096 }),
      name: fc.string({ maxLength: 20 }),
    }).map(({ content, body, name }) => ({
      body: multipartBody(
        "near-valid",
        [
          ...(content === null ? [] : [{
            name: "content",
            filename: null,
            type: null,
            body: encoder.encode(content),
            style: "plain" as const,
          }]),
          { name: "file", filename: name, type: null, body, style: "plain" },
        ],
        "close",
        1,
      ),
      type: "multipart/form-data; boundary=near-valid",
    }));
  }
  const base = valid[template];
  if (!base) return null;
  return fc.tuple(
    base,
    fc.constantFrom("keep", "keep", "drop", "wrong", "junk"),
    fc.nat(10),
    wrongValue,
  ).map(([body, how, pick, wrong]) => {
    const keys = Object.keys(body);
    const key = keys[pick % keys.length];
    const out: Record<string, unknown> = { ...body };
    if (how === "drop") delete out[key];
    if (how === "wrong") out[key] = wrong;
    if (how === "junk") out[`junk${pick}`] = wrong;
    return jsonBody(JSON.stringify(out));
  });
}

function bodyArbFor(template: string): fc.Arbitrary<BodyCase> {
  const near = nearValidArb(template);
  return near
    ? fc.oneof({ weight: 3, arbitrary: bodyArb }, {
      weight: 2,
      arbitrary: near,
    })
    : bodyArb;
}

const bodyArb: fc.Arbitrary<BodyCase> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<BodyCase>({}) },
  { weight: 1, arbitrary: fc.constant(jsonBody("")) },
  {
    weight: 12,
    arbitrary: fieldObject.map((o) => jsonBody(JSON.stringify(o))),
  },
  {
    weight: 3,
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) =>
      jsonBody(JSON.stringify(v) ?? "")
    ),
  },
  { weight: 2, arbitrary: brokenJson.map(jsonBody) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 40_000 }), fc.boolean())
      .map(([n, arrays]) =>
        jsonBody(
          arrays
            ? "[".repeat(n) + "]".repeat(n)
            : '{"content":'.repeat(n) + "1" + "}".repeat(n),
        )
      ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...FIELDS), hugeText).map((
      [field, text],
    ) => jsonBody(JSON.stringify({ [field]: text }))),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...FIELDS), badUtf8).map((
      [field, bad],
    ) =>
      jsonBody(concatBytes(`{"${field}":"`, bad, `","password":"`, bad, '"}'))
    ),
  },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({
      body: bytes,
      type: "application/octet-stream",
    })),
  },
  {
    weight: 2,
    arbitrary: formBody.map((text) => ({
      body: text,
      type: "application/x-www-form-urlencoded",
    })),
  },
  { weight: 4, arbitrary: multipart },
);

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/json;charset=latin1",
  "application/vnd.api+json",
  "text/json",
  "text/plain",
  "text/html",
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded; charset=utf-8",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  'multipart/form-data; boundary=""',
  `multipart/form-data; boundary=${"x".repeat(71)}`,
  'multipart/form-data; boundary="ends in space "',
  "multipart/form-data; boundary=b; boundary=c",
  "multipart/form-data; boundary=--",
  "multipart/form-data; charset=utf-8",
  "multipart/mixed; boundary=b",
  "application/octet-stream",
  "*/*",
  "",
  ";",
  "json",
];

const contentTypeArb = (natural: string | undefined) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(natural) },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: headerGarbage },
  );

const acceptArb = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/json",
    "*/*",
    "TEXT/HTML",
    "text/*",
  ),
  headerGarbage,
);

function extraHeadersArb(origin: string) {
  return fc.record({
    origin: fc.oneof(
      fc.constantFrom(
        origin,
        "http://evil.example",
        "null",
        "http://127.0.0.1:1",
      ),
      headerGarbage,
    ),
    range: fc.oneof(
      fc.constantFrom(
        "bytes=0-0",
        "bytes=0-",
        "bytes=-1",
        "bytes=-0",
        "bytes=5-1",
        "bytes=0-1,2-3",
        "bytes=99999999999999999999-",
        "bytes=-99999999999999999999999",
        "bytes=1e3-2e3",
        "items=0-1",
        "bytes=",
        "bytes=abc",
      ),
      headerGarbage,
    ),
    "if-range": headerGarbage,
    "if-none-match": fc.oneof(
      fc.constantFrom("*", '"x"', 'W/"x"'),
      headerGarbage,
    ),
    "if-modified-since": fc.oneof(
      fc.constantFrom(
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
      ),
      headerGarbage,
    ),
    "x-forwarded-host": headerGarbage,
    "x-forwarded-proto": fc.oneof(
      fc.constantFrom("https", "gopher"),
      headerGarbage,
    ),
    "sec-fetch-site": fc.oneof(
      fc.constantFrom("same-origin", "cross-site", "none"),
      headerGarbage,
    ),
    upgrade: fc.constantFrom("websocket", "h2c", "WebSocket"),
    connection: fc.constantFrom("upgrade", "Upgrade, keep-alive", "close"),
    "sec-websocket-key": headerGarbage,
    "sec-websocket-version": fc.constantFrom("13", "8", "x"),
    "accept-encoding": headerGarbage,
    "x-request-id": headerGarbage,
  });
}

/** Sometimes the headers of a WebSocket handshake, whole or in part, on any route. */
const handshakeArb = fc.oneof(
  { weight: 7, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.record({
      upgrade: fc.constantFrom("websocket", "WebSocket", "h2c"),
      connection: fc.constantFrom("upgrade", "Upgrade, keep-alive"),
      "sec-websocket-key": fc.oneof(
        fc.constant("dGhlIHNhbXBsZSBub25jZQ=="),
        headerGarbage,
      ),
      "sec-websocket-version": fc.constantFrom("13", "8", "x"),
    }, { requiredKeys: ["upgrade"] }),
  },
);

const PARAM_CONSTANTS = [
  "..",
  ".",
  "%",
  "%%",
  "%zz",
  "%00",
  "%2F",
  "%2e%2e",
  "%C0%AF",
  "%ff%fe",
  "%E2%82",
  "%25",
  "%u0041",
  "..%2F..%2Fetc%2Fpasswd",
  "../../etc/passwd",
  "\u0000",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "-1",
  "0",
  "1e309",
  " ",
  "%20",
  "a;b",
  "a?b=c",
  "a#frag",
];

function paramArb(valid: string[]) {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...valid) },
    { weight: 2, arbitrary: fc.constantFrom(...PARAM_CONSTANTS) },
    { weight: 2, arbitrary: shortText },
    { weight: 1, arbitrary: fc.uuid() },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.constantFrom("a", "é", "𝕏", "%41", "../", "\u202e", "-"),
        fc.integer({ min: 60, max: 3000 }),
      ).map(([s, n]) => s.repeat(n)),
    },
  );
}

function queryArb(tokens: string[]) {
  const key = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        "before",
        "after",
        "limit",
        "scope",
        "token",
        "since",
        "rev",
        "cursor",
        "online",
        "q",
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: printable, maxLength: 8 }) },
  );
  const value = fc.oneof(
    fc.constantFrom(
      "",
      "0",
      "1",
      "-1",
      "50",
      "200",
      "201",
      "1.5",
      "1e3",
      "0x10",
      "999999999999999",
      "9999999999999999999999",
      "NaN",
      "Infinity",
      "all",
      "mine",
      "ALL",
      "%",
      "%zz",
      "%ff",
      "%00",
      "true",
      "false",
      "YWRh",
      "!!",
      ...tokens,
    ),
    fc.nat().map(String),
    fc.string({ maxLength: 30 }),
    fc.nat(5000).map((n) => "9".repeat(n)),
  );
  return fc.array(fc.tuple(key, value), { maxLength: 5 }).map((pairs) =>
    pairs.length === 0 ? "" : "?" + pairs.map(([k, v]) => `${k}=${v}`).join("&")
  );
}

function authArb(world: World): fc.Arbitrary<AuthKind> {
  const tokens = [world.revoked, ...world.forged];
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant<AuthKind>({ kind: "none" }) },
    {
      weight: 12,
      arbitrary: fc.constantFrom<AuthKind>(
        { kind: "valid", via: "bearer" },
        { kind: "valid", via: "cookie" },
      ),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(...tokens).map((t): AuthKind => ({
        kind: "fixed",
        authorization: `Bearer ${t}`,
      })),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        authorization: fc.oneof(
          fc.constantFrom(
            "Bearer",
            "Bearer ",
            "bearer  a b",
            "Basic YWxpY2U6cHc=",
            `Bearer ${world.alice.token}x`,
            `Bearer ${world.alice.token.slice(0, -2)}`,
            `Bearer ${"a".repeat(5000)}`,
            `Token ${world.alice.token}`,
            `Bot ${world.botToken}`,
            `Bot ${world.alice.token}`,
            `Bearer ${world.botToken}`,
            `Bot ${world.botToken.slice(0, -1)}`,
            `Bot hbot_${"x".repeat(80)}`,
          ),
          headerGarbage,
          headerGarbage.map((g) => `Bearer ${g}`),
        ),
        cookie: fc.oneof(
          fc.constantFrom(
            "hearth_token",
            "hearth_token=",
            `hearth_token=${world.revoked}`,
            `hearth_token=${world.alice.token}; hearth_token=x`,
            "a=b; hearth_token=%%%",
            ";;;",
          ),
          headerGarbage,
          headerGarbage.map((g) => `hearth_token=${g}`),
        ),
      }, { requiredKeys: [] }).map((h): AuthKind => ({ kind: "fixed", ...h })),
    },
  );
}

/** Seqs and emoji that name something, for the message and reaction routes. */
const VALID_SEQS = ["1", "2", "3"];
const VALID_EMOJI = ["👍", "🎉", "👩‍💻", "🇫🇷"].map(encodeURIComponent);

function caseArb(endpoint: Endpoint, world: World): fc.Arbitrary<HttpCase> {
  const names = endpoint.template.match(/\[[^\]]+\]/g) ?? [];
  const channelIds = endpoint.template.startsWith("/files/")
    ? world.fileIds
    : endpoint.template.startsWith("/invites/")
    ? world.inviteCodes
    : endpoint.template === "/channels/[id]"
    // Deleting and renaming: alice's own channels must survive for later cases.
    ? [world.doomedId, world.channelIds[2], world.channelIds[3]]
    : endpoint.template.endsWith("/leave")
    // Alice could not rejoin her own private channel after leaving it.
    ? world.channelIds.filter((id) => id !== world.channelIds[1])
    : world.channelIds;
  // Friends and blocks act on people: bob (and alice herself, refused).
  const people = /^\/(friends|blocks)\//.test(endpoint.template)
    ? [world.bob.id, world.alice.id]
    : null;
  const hook = endpoint.template.startsWith("/hooks/");
  const validFor = (name: string) =>
    name === "[userId]" && people
      ? people
      : name === "[seq]"
      ? VALID_SEQS
      : name === "[emoji]"
      ? VALID_EMOJI
      : name === "[hookId]" || (hook && name === "[id]")
      ? world.hookIds
      : name === "[secret]"
      ? world.hookSecrets
      : channelIds;
  return fc.record({
    method: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...endpoint.methods) },
      { weight: 1, arbitrary: fc.constantFrom(...ALL_METHODS) },
    ),
    params: fc.tuple(...names.map((name) => paramArb(validFor(name)))),
    query: queryArb([world.alice.token, world.revoked]),
    auth: authArb(world),
    body: bodyArbFor(endpoint.template),
    accept: acceptArb,
    extra: extraHeadersArb(world.base),
    handshake: handshakeArb,
    extraKeys: fc.subarray([
      "origin",
      "origin",
      "range",
      "if-range",
      "if-none-match",
      "if-modified-since",
      "x-forwarded-host",
      "x-forwarded-proto",
      "sec-fetch-site",
      "upgrade",
      "connection",
      "sec-websocket-key",
      "sec-websocket-version",
      "accept-encoding",
      "x-request-id",
    ], { maxLength: 4 }),
  }).chain((c) =>
    contentTypeArb(c.body.type).map((contentType): HttpCase => {
      const headers: Record<string, string> = {};
      for (const key of c.extraKeys) {
        const value = (c.extra as Record<string, string | undefined>)[key];
        if (value !== undefined) headers[key] = value;
      }
      Object.assign(headers, c.handshake ?? {});
      if (c.accept !== undefined) headers.accept = c.accept;
      if (contentType !== undefined) headers["content-type"] = contentType;
      return {
        method: c.method,
        template: endpoint.template,
        params: c.params,
        query: c.query,
        auth: c.auth,
        headers,
        body: c.method === "GET" || c.method === "HEAD"
          ? undefined
          : c.body.body,
      };
    })
  );
}

// ---------------------------------------------------------------------------
// Running a case and checking the answer.

function pathOf(c: HttpCase): string {
  let i = 0;
  return c.template.replace(/\[[^\]]+\]/g, () => c.params[i++] ?? "");
}

function short(value: string, max = 160): string {
  return value.length > max
    ? `${value.slice(0, max)}… (${value.length} chars)`
    : value;
}

function describeCase(c: HttpCase): string {
  const body = c.body === undefined
    ? "none"
    : typeof c.body === "string"
    ? `text ${JSON.stringify(short(c.body, 120))}`
    : `${c.body.length} bytes [${[...c.body.subarray(0, 24)].join(",")}]`;
  const headers = Object.entries(c.headers).map(([k, v]) =>
    `${k}: ${JSON.stringify(short(v, 80))}`
  );
  return [
    `${c.method} ${short(pathOf(c) + c.query, 300)}`,
    `auth ${short(JSON.stringify(c.auth), 200)}`,
    ...headers,
    `body ${body}`,
  ].join("\n  ");
}

/** Requests Deno's HTTP layer answered itself, before the app. */
let httpLayerRefusals = 0;
/** How often each status came back, to see how deep the cases reach. */
const statuses = new Map<number, number>();

/** Asserts the properties every HTTP answer must have; `accept` and `method` are what was sent. */
async function checkAnswer(
  res: Response,
  method: string,
  accept: string | undefined,
): Promise<void> {
  // An event stream never ends: its head is the answer.
  const stream = /^text\/event-stream\b/.test(
    res.headers.get("content-type") ?? "",
  );
  const text = stream ? (await res.body?.cancel(), "") : await res.text();
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  assert.ok(
    res.status < 500,
    `status ${res.status}: ${short(text, 300)}`,
  );
  if (
    res.status === 400 && text === "" && !res.headers.has("content-type") &&
    !res.headers.has("x-request-id")
  ) {
    // Deno's HTTP layer refused the request before the app saw it (say, an
    // upgrade request with a body): a bare 400 with nothing to parse.
    httpLayerRefusals++;
    return;
  }
  // A 101 is a real upgrade (fetch sends whatever handshake headers it is given).
  if (res.status === 101) return;
  assert.ok(res.headers.has("x-request-id"), "no X-Request-Id");
  if (res.status < 400) return;
  const type = res.headers.get("content-type") ?? "";
  if (type.startsWith("text/html")) {
    assert.ok(
      (method === "GET" || method === "HEAD") &&
        (accept ?? "").toLowerCase().includes("text/html"),
      `HTML error page for ${method} with Accept ${JSON.stringify(accept)}`,
    );
  } else {
    assert.match(type, /^application\/json\b/, `4xx with type "${type}"`);
    if (method !== "HEAD") {
      const body = JSON.parse(text);
      assert.equal(typeof body, "object");
      assert.ok(body !== null && !Array.isArray(body), text);
      assert.deepEqual(Object.keys(body).sort(), ["code", "detail"], text);
      assert.equal(typeof body.detail, "string", text);
      assert.equal(typeof body.code, "string", text);
    }
  }
  if (res.status === 429) {
    assert.ok(res.headers.has("retry-after"), "429 without Retry-After");
  }
  if (res.status === 405) {
    assert.ok(res.headers.has("allow"), "405 without Allow");
  }
}

// ---------------------------------------------------------------------------
// WebSocket frames: what a client sends, and what the server must answer.

type FrameCase =
  | { kind: "text"; text: string }
  | { kind: "binary"; bytes: Uint8Array };

type Expect =
  | { kind: "close" }
  | { kind: "error" }
  | { kind: "quiet" }
  | { kind: "message"; clientId: string };

const WS_CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What the server must do with a frame, worked out independently of its code:
 * over 16 KiB closes with 1009, binary and anything that is not a valid
 * `message` or `typing` object gets an `error` frame, a valid message is
 * echoed (unless its clientId was used before), typing gets nothing back.
 */
function expectFor(frame: FrameCase, used: Set<string>): Expect {
  if (frame.kind === "binary") {
    return frame.bytes.length > MAX_FRAME_BYTES
      ? { kind: "close" }
      : { kind: "error" };
  }
  // The wire carries UTF-8: lone surrogates arrive as U+FFFD.
  const received = frame.text.toWellFormed();
  if (encoder.encode(received).length > MAX_FRAME_BYTES) {
    return { kind: "close" };
  }
  let data: unknown;
  try {
    data = JSON.parse(received);
  } catch {
    return { kind: "error" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { kind: "error" };
  }
  const o = data as Record<string, unknown>;
  if (o.type === "typing") return { kind: "quiet" };
  // The socket's user may neither edit nor delete anything the generator
  // names (seq 1 is someone else's, other seqs are invalid or unknown): these
  // are always refused. A reaction to seq 1 with one of the real emoji goes
  // through, and nothing comes back but the update.
  if (o.type === "edit" || o.type === "delete") return { kind: "error" };
  if (o.type === "react") {
    const clientIdOk = o.clientId === undefined ||
      (typeof o.clientId === "string" && WS_CLIENT_ID.test(o.clientId));
    return o.seq === 1 && FRAME_EMOJI.includes(o.emoji as string) &&
        typeof o.add === "boolean" && clientIdOk
      ? { kind: "quiet" }
      : { kind: "error" };
  }
  if (o.type !== "message") return { kind: "error" };
  if (typeof o.content !== "string" || typeof o.clientId !== "string") {
    return { kind: "error" };
  }
  // The content rule, restated: \r\n as \n, trimmed, 1 to 4,000 code
  // points, well-formed, no control characters but tab and newline.
  const trimmed = o.content.replace(/\r\n?/g, "\n").trim();
  const characters = [...trimmed].length;
  if (characters < 1 || characters > 4000) return { kind: "error" };
  if (!trimmed.isWellFormed()) return { kind: "error" };
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(trimmed)) {
    return { kind: "error" };
  }
  if (!WS_CLIENT_ID.test(o.clientId)) return { kind: "error" };
  return used.has(o.clientId)
    ? { kind: "quiet" }
    : { kind: "message", clientId: o.clientId };
}

const wsClientId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const anyField = fc.oneof(
  { weight: 3, arbitrary: shortText },
  { weight: 2, arbitrary: wrongValue },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const FRAME_EMOJI = ["👍", "🎉", "👩‍💻", "🇫🇷"];
const frameSeq = fc.oneof(
  { weight: 4, arbitrary: fc.constant(1) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0, -1, "1", 1.5, 1e9, null, Number.MAX_VALUE),
  },
  { weight: 1, arbitrary: wrongValue },
);

const frameArb: fc.Arbitrary<FrameCase> = fc.oneof(
  // Edits, deletions and reactions, near valid and not.
  {
    weight: 10,
    arbitrary: fc.record({
      type: fc.constantFrom("edit", "delete", "react"),
      seq: frameSeq,
      content: fc.oneof(fc.string({ maxLength: 30 }), anyField),
      emoji: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...FRAME_EMOJI) },
        {
          weight: 2,
          arbitrary: fc.constantFrom("a", "👍👍", "", " 👍", "👍".repeat(40)),
        },
        { weight: 1, arbitrary: anyField },
      ),
      add: fc.oneof(fc.boolean(), anyField),
      clientId: fc.oneof(wsClientId, anyField),
    }, { requiredKeys: ["type"] }).map((f) => ({
      kind: "text" as const,
      text: JSON.stringify(f),
    })),
  },
  // Valid messages, so the random stream also moves forward.
  {
    weight: 16,
    arbitrary: fc.record({
      content: fc.oneof(
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.constantFrom("  padded  ", "x".repeat(4000), "é".repeat(3999)),
      ),
      clientId: wsClientId,
    }).map((f) => ({
      kind: "text" as const,
      text: JSON.stringify({ type: "message", ...f }),
    })),
  },
  // Messages with wrong types, missing or extra fields.
  {
    weight: 24,
    arbitrary: fc.record({
      type: fc.constant("message"),
      content: fc.oneof(
        anyField,
        fc.constantFrom(" ", "\n\t", "x".repeat(4001), "  " + "y".repeat(4000)),
      ),
      clientId: fc.oneof(anyField, wsClientId, fc.constant("x".repeat(65))),
      extra: anyField,
      file: anyField,
    }, { requiredKeys: ["type"] }).map((f) => ({
      kind: "text" as const,
      text: JSON.stringify(f),
    })),
  },
  // Typing, with and without junk.
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant("typing"),
      userId: anyField,
      content: anyField,
    }, { requiredKeys: ["type"] }).map((f) => ({
      kind: "text" as const,
      text: JSON.stringify(f),
    })),
  },
  // Unknown or non-string types.
  {
    weight: 12,
    arbitrary: fc.record({
      type: fc.oneof(
        fc.constantFrom(
          "__proto__",
          "constructor",
          "toString",
          "hasOwnProperty",
          "MESSAGE",
          "Typing",
          "ready",
          "error",
          "presence",
          "",
        ),
        fc.string({ maxLength: 20 }),
        wrongValue,
      ),
      content: anyField,
      clientId: anyField,
    }, { requiredKeys: ["type"] }).map((f) => ({
      kind: "text" as const,
      text: JSON.stringify(f),
    })),
  },
  // Any JSON at all.
  {
    weight: 8,
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({
      kind: "text" as const,
      text: JSON.stringify(v) ?? "null",
    })),
  },
  // Text that is not JSON.
  {
    weight: 8,
    arbitrary: fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.constantFrom(
        "",
        "{",
        "}",
        "[",
        '{"type":',
        "undefined",
        "NaN",
        "'message'",
        "{type: 'typing'}",
        '{"type":"typing"}garbage',
        "\uFEFF{}",
      ),
    ).map((text) => ({ kind: "text" as const, text })),
  },
  // Binary frames: random bytes, invalid UTF-8, even a valid frame as bytes.
  {
    weight: 8,
    arbitrary: fc.oneof(
      fc.uint8Array({ maxLength: 4096 }),
      badUtf8,
      fc.constant(encoder.encode('{"type":"typing"}')),
      fc.constant(new Uint8Array(0)),
      fc.constant(new Uint8Array(MAX_FRAME_BYTES)),
    ).map((bytes) => ({ kind: "binary" as const, bytes })),
  },
  // Right at the size limit: exactly 16 KiB passes, one byte more closes.
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constantFrom(0, 1),
      fc.constantFrom("typing", "message"),
    )
      .map(([over, type]) => {
        const head = type === "typing"
          ? '{"type":"typing"}'
          : '{"type":"message","clientId":"edge","content":"é"}';
        const text = head +
          " ".repeat(MAX_FRAME_BYTES + over - encoder.encode(head).length);
        return { kind: "text" as const, text };
      }),
  },
  // Far too large.
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.integer({ min: MAX_FRAME_BYTES + 1, max: 300_000 }).map((n) => ({
        kind: "text" as const,
        text: JSON.stringify({
          type: "message",
          clientId: "big",
          content: "x".repeat(n),
        }),
      })),
      fc.integer({ min: MAX_FRAME_BYTES + 1, max: 300_000 }).map((n) => ({
        kind: "binary" as const,
        bytes: new Uint8Array(n),
      })),
      fc.integer({ min: 5_500, max: 20_000 }).map((n) => ({
        kind: "text" as const,
        text: "𝕏".repeat(n),
      })),
    ),
  },
);

function describeFrames(frames: FrameCase[]): string {
  return frames.map((f) =>
    f.kind === "text"
      ? `text ${JSON.stringify(short(f.text, 120))}`
      : `binary ${f.bytes.length} bytes`
  ).join("\n  ");
}

// ---------------------------------------------------------------------------
// Raw WebSocket frames over TCP, for what the WebSocket class cannot send.

interface RawConn {
  conn: Deno.TcpConn;
  pending: Uint8Array;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

/** Sends an upgrade request with exactly these header lines; answers the status. */
async function rawUpgrade(
  base: string,
  target: string,
  lines: string[],
): Promise<{ status: number; raw: RawConn }> {
  const url = new URL(base);
  const conn = await Deno.connect({
    hostname: url.hostname,
    port: Number(url.port),
  });
  await writeAll(
    conn,
    encoder.encode(
      [`GET ${target} HTTP/1.1`, `Host: ${url.host}`, ...lines].join("\r\n") +
        "\r\n\r\n",
    ),
  );
  let buffered = new Uint8Array(0);
  while (true) {
    const text = new TextDecoder("latin1").decode(buffered);
    const end = text.indexOf("\r\n\r\n");
    if (end !== -1) {
      const status = Number(text.split(" ")[1]);
      return { status, raw: { conn, pending: buffered.slice(end + 4) } };
    }
    const chunk = new Uint8Array(16 * 1024);
    const n = await withDeadline(conn.read(chunk), 10_000, "upgrade answer");
    if (n === null) {
      conn.close();
      throw new Error(`connection closed before an answer to ${short(target)}`);
    }
    buffered = concatBytes(buffered, chunk.subarray(0, n));
  }
}

function upgradeLines(extra: string[] = []): string[] {
  const key = btoa(
    String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))),
  );
  return [
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${key}`,
    "Sec-WebSocket-Version: 13",
    ...extra,
  ];
}

/** One client frame; `length` lies about the payload size when given. */
function wsFrame(
  opcode: number,
  payload: Uint8Array,
  opts: { fin?: boolean; mask?: boolean; length?: number } = {},
): Uint8Array {
  const { fin = true, mask = true } = opts;
  const length = opts.length ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | opcode];
  const m = mask ? 0x80 : 0;
  if (length < 126) head.push(m | length);
  else if (length < 65536) head.push(m | 126, length >> 8, length & 0xff);
  else {
    head.push(m | 127);
    const big = BigInt(length);
    for (let i = 7; i >= 0; i--) {
      head.push(Number((big >> BigInt(i * 8)) & 0xffn));
    }
  }
  if (!mask) return concatBytes(Uint8Array.from(head), payload);
  const key = crypto.getRandomValues(new Uint8Array(4));
  const masked = payload.map((b, i) => b ^ key[i % 4]);
  return concatBytes(Uint8Array.from(head), key, masked);
}

interface RawFrame {
  opcode: number;
  payload: Uint8Array;
}

/** Reads server frames until `done` says so, the server closes (close frame) or drops. */
async function readRaw(
  raw: RawConn,
  done: (frames: RawFrame[]) => boolean,
  timeoutMs = 10_000,
): Promise<{ frames: RawFrame[]; close: number | null; dropped: boolean }> {
  const frames: RawFrame[] = [];
  const deadline = Date.now() + timeoutMs;
  const chunk = new Uint8Array(64 * 1024);
  while (true) {
    while (raw.pending.length >= 2) {
      const p = raw.pending;
      let length = p[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (p.length < 4) break;
        length = (p[2] << 8) | p[3];
        offset = 4;
      } else if (length === 127) {
        if (p.length < 10) break;
        length = Number(new DataView(p.buffer, p.byteOffset).getBigUint64(2));
        offset = 10;
      }
      if (p.length < offset + length) break;
      const frame = {
        opcode: p[0] & 0x0f,
        payload: p.slice(offset, offset + length),
      };
      raw.pending = p.subarray(offset + length);
      if (frame.opcode === 0x8) {
        const code = frame.payload.length >= 2
          ? (frame.payload[0] << 8) | frame.payload[1]
          : 1005;
        return { frames, close: code, dropped: false };
      }
      frames.push(frame);
      if (done(frames)) return { frames, close: null, dropped: false };
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new Error("raw socket: timed out waiting for frames");
    let n: number | null;
    try {
      n = await withDeadline(raw.conn.read(chunk), left, "raw socket read");
    } catch (error) {
      if (error instanceof DeadlineError) throw error;
      return { frames, close: null, dropped: true };
    }
    if (n === null) return { frames, close: null, dropped: true };
    raw.pending = concatBytes(raw.pending, chunk.subarray(0, n));
  }
}

const textOf = (f: RawFrame) => new TextDecoder().decode(f.payload);

// ---------------------------------------------------------------------------

Deno.test("fuzz: bad input on every endpoint and frame never breaks the server", async (t) => {
  console.log(
    `fuzz: seed ${SEED} (set FUZZ_SEED to change, FUZZ_RUNS to scale)`,
  );
  // Request lines would drown the output; server faults are collected instead.
  const faults: string[] = [];
  const previousSink = setLogSink((line) => {
    if (/"level":"(error|warn)"/.test(line)) faults.push(line);
  });
  const consoleError = console.error;
  const consoleWarn = console.warn;
  console.error = (...args: unknown[]) =>
    faults.push(args.map(String).join(" "));
  console.warn = (...args: unknown[]) =>
    faults.push(args.map(String).join(" "));

  const server = await startTestServer([], { passwordCost: 4 });
  const { base } = server;
  let httpCases = 0;
  let framesSent = 0;
  let registered = 0;

  const healthy = async (when: string) => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200, `not healthy ${when}`);
    assert.deepEqual(await res.json(), { ok: true });
  };

  try {
    // -- The world: two users, channels of both kinds, files, bad tokens.
    // A founder first, so the instance's owner is neither of them: alice's
    // socket frames that delete someone else's message stay refused.
    await signUp(base, "fuzz_founder", PASSWORD);
    const alice = await signUp(base, "fuzz_alice", PASSWORD);
    const bob = await signUp(base, "fuzz_bob", PASSWORD);
    registered += 3;
    const general = (await alice.api.get("/channels")).body
      .find((c: { name: string }) => c.name === "general").id;
    const open = await createChannel(alice.api, "fuzz-open");
    const secret = await createChannel(alice.api, "fuzz-secret", {
      private: true,
    });
    const bobs = await createChannel(bob.api, "bob-secret", { private: true });
    const upload = async (who: Account, channelId: string) => {
      const form = new FormData();
      form.append(
        "file",
        new Blob(["hello, fuzz"], { type: "text/plain" }),
        "f.txt",
      );
      const res = await fetch(`${base}/channels/${channelId}/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${who.token}` },
        body: form,
      });
      assert.equal(res.status, 201);
      return (await res.json()).file.id as string;
    };
    const fileIds = [await upload(alice, open.id), await upload(bob, bobs.id)];
    const spare = await signIn(base, "fuzz_alice", PASSWORD);
    assert.equal(
      (await request(base, "POST", "/auth/logout", { token: spare })).status,
      204,
    );
    const key = server.services.signingKey;
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>, alg = "HS256") =>
      new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(key);
    const b64 = (o: unknown) =>
      btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(
        /\//g,
        "_",
      );
    const forged = [
      await sign({
        sub: crypto.randomUUID(),
        jti: "j1",
        iat: now,
        exp: now + 600,
      }),
      await sign({
        sub: alice.id,
        jti: "j2",
        iat: now - 7200,
        exp: now - 3600,
      }),
      await sign({
        sub: alice.id,
        jti: "j3",
        iat: now + 86_400,
        exp: now + 90_000,
      }),
      await sign({ sub: alice.id, iat: now, exp: now + 600 }),
      await sign(
        { sub: alice.id, jti: "j5", iat: now, exp: now + 600 },
        "HS512",
      ),
      await sign({ sub: 42, jti: "j6", iat: now, exp: now + 600 }),
      await sign({ sub: alice.id, jti: { x: 1 }, iat: "now", exp: "later" }),
      `${b64({ alg: "none", typ: "JWT" })}.${
        b64({ sub: alice.id, jti: "j8", iat: now, exp: now + 600 })
      }.`,
      await new SignJWT({ sub: alice.id, jti: "j9", iat: now, exp: now + 600 })
        .setProtectedHeader({ alg: "HS256" })
        .sign(crypto.getRandomValues(new Uint8Array(32))),
    ];
    const dmId = (await request(base, "POST", "/dms", {
      token: alice.token,
      json: { usernames: ["fuzz_bob"] },
    })).body.id as string;
    const inviteTo = async (who: Account, channelId: string) => {
      const res = await request(base, "POST", "/invites", {
        token: who.token,
        json: { channelId },
      });
      assert.equal(res.status, 201);
      return res.body.code as string;
    };
    const founder = await signIn(base, "fuzz_founder", PASSWORD);
    const bot = await request(base, "POST", "/bots", {
      token: founder,
      json: { username: "fuzz_bot" },
    });
    assert.equal(bot.status, 201);
    assert.equal(
      (await alice.api.post(`/channels/${open.id}/members`, {
        username: "fuzz_bot",
      })).status,
      201,
    );
    const hook = await alice.api.post(`/channels/${open.id}/webhooks`, {
      name: "Fuzz hook",
    });
    assert.equal(hook.status, 201);
    const world: World = {
      base,
      alice,
      bob,
      hookIds: [hook.body.id],
      hookSecrets: [hook.body.url.split("/").pop()],
      botToken: bot.body.token,
      channelIds: [open.id, secret.id, bobs.id, general, dmId],
      fileIds,
      doomedId: (await createChannel(alice.api, "fuzz-doomed")).id,
      inviteCodes: [
        await inviteTo(alice, open.id),
        await inviteTo(bob, bobs.id),
      ],
      revoked: spare,
      forged,
    };

    // -- HTTP: every route, every method.
    const endpoints = endpointsFromManifest();
    for (
      const expected of [
        "/auth/login",
        "/auth/logout",
        "/auth/register",
        "/channels",
        "/channels/[id]",
        "/channels/[id]/candidates",
        "/channels/[id]/files",
        "/channels/[id]/members/[userId]",
        "/channels/[id]/messages",
        "/files/[id]",
        "/dms",
        "/healthz",
        "/invites",
        "/invites/[code]",
        "/invites/[code]/accept",
        "/me",
        "/users",
        "/users/[id]",
        "/timeouts/[userId]",
        "/bans",
        "/audit",
        "/bans/[userId]",
        "/friends",
        "/friends/[userId]",
        "/friends/events",
        "/blocks",
        "/blocks/[userId]",
        "/bots",
        "/bots/[id]",
        "/bots/[id]/token",
        "/bots/[id]/deliveries",
        "/channels/[id]/webhooks",
        "/channels/[id]/webhooks/[hookId]",
        "/hooks/[id]/[secret]",
        "/reports",
        "/reports/[id]",
        "/channels/[id]/messages/[seq]/report",
        "/settings",
        "/ws/channels/[id]",
      ]
    ) {
      assert.ok(
        endpoints.some((e) => e.template === expected),
        `route ${expected} missing from fresh.gen.ts`,
      );
    }

    const runCase = async (c: HttpCase) => {
      const headers = new Headers();
      let auth = c.auth;
      // A logout must never revoke the token every other case relies on.
      if (
        c.template === "/auth/logout" && auth.kind === "fixed" &&
        `${auth.authorization} ${auth.cookie}`.includes(alice.token)
      ) {
        const fresh = await signIn(base, "fuzz_alice", PASSWORD);
        const swap = (v?: string) => v?.replaceAll(alice.token, fresh);
        auth = {
          kind: "fixed",
          authorization: swap(auth.authorization),
          cookie: swap(auth.cookie),
        };
      }
      if (auth.kind === "valid") {
        const token = c.template === "/auth/logout"
          ? await signIn(base, "fuzz_alice", PASSWORD)
          : alice.token;
        auth = auth.via === "bearer"
          ? { kind: "fixed", authorization: `Bearer ${token}` }
          : { kind: "fixed", cookie: `hearth_token=${token}` };
      }
      if (auth.kind === "fixed") {
        if (auth.authorization !== undefined) {
          headers.set("authorization", auth.authorization);
        }
        if (auth.cookie !== undefined) headers.set("cookie", auth.cookie);
      }
      for (const [name, value] of Object.entries(c.headers)) {
        headers.set(name, value);
      }
      // Concatenated, not resolved: "//x" must stay a path, not become a host.
      const url = new URL(base + pathOf(c) + c.query);
      const res = await fetch(url, {
        method: c.method,
        headers,
        body: c.body as BodyInit | undefined,
        redirect: "manual",
        signal: AbortSignal.timeout(30_000),
      });
      httpCases++;
      await checkAnswer(res, c.method, headers.get("accept") ?? undefined);
      if (c.template === "/auth/register" && res.status === 201) registered++;
      if (c.template.startsWith("/blocks/")) {
        // A block would refuse alice's DM with bob in every later case.
        await alice.api.send("DELETE", `/blocks/${bob.id}`, {});
      }
      if (c.template.endsWith("/leave")) {
        // Keep alice in her public channels so later cases reach past the membership check.
        for (const id of [open.id, general]) {
          await alice.api.post(`/channels/${id}/join`);
        }
      }
    };

    const check = async <T>(
      name: string,
      arb: fc.Arbitrary<T>,
      numRuns: number,
      body: (value: T) => Promise<void>,
      describe: (value: T) => string,
      seedOffset: number,
    ) => {
      const out = await fc.check(fc.asyncProperty(arb, body), {
        seed: SEED + seedOffset,
        numRuns,
        // Shrinking re-sends requests; a few hundred tries are enough to get small.
        endOnFailure: false,
        interruptAfterTimeLimit: 120_000,
        markInterruptAsFailure: false,
      });
      if (out.failed && out.counterexample) {
        const error = out.errorInstance instanceof Error
          ? out.errorInstance.message
          : String(out.errorInstance);
        throw new Error(
          `${name}: property failed (seed ${
            SEED + seedOffset
          }, path ${out.counterexamplePath}, ${out.numShrinks} shrinks)\n` +
            `  ${describe(out.counterexample[0])}\n  error: ${error}`,
        );
      }
      assert.ok(!out.failed, `${name}: ${out.errorInstance}`);
      await healthy(`after ${name}`);
    };

    for (const [i, endpoint] of endpoints.entries()) {
      await t.step(
        `HTTP ${endpoint.methods.join(",")} ${endpoint.template}`,
        async () => {
          const many =
            endpoint.template === "/" || endpoint.template === "/healthz"
              ? 80
              : 300;
          await check(
            endpoint.template,
            caseArb(endpoint, world),
            runs(many),
            runCase,
            describeCase,
            i,
          );
        },
      );
    }

    await t.step("HTTP unknown paths", async () => {
      const unknown = fc.tuple(
        fc.array(
          fc.oneof(
            fc.constantFrom(...PARAM_CONSTANTS),
            shortText,
            fc.constantFrom(
              "channels",
              "files",
              "ws",
              "static",
              "_fresh",
              "js",
              "auth",
              "icon.svg",
              "styles.css",
            ),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        fc.constantFrom(...ALL_METHODS),
      ).map(([segments, method]): Endpoint => ({
        template: "/" + segments.map((s) => s.replace(/[[\]]/g, "")).join("/"),
        methods: [method],
      }));
      await check(
        "unknown paths",
        unknown.chain((e) => caseArb(e, world)),
        runs(200),
        runCase,
        describeCase,
        100,
      );
    });

    // -- WebSocket upgrades: every kind of credential, path, cursor and origin.
    await t.step("WebSocket upgrades", async () => {
      const tokens = [
        world.alice.token,
        world.bob.token,
        world.revoked,
        ...world.forged,
      ];
      const upgradeArb = fc.record({
        id: paramArb(world.channelIds),
        token: fc.option(
          fc.oneof(
            {
              weight: 4,
              arbitrary: fc.constantFrom(world.alice.token, world.bob.token),
            },
            { weight: 3, arbitrary: fc.constantFrom(...tokens) },
            { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
          ),
        ),
        after: fc.option(
          fc.oneof(
            fc.constantFrom(
              "0",
              "1",
              "-1",
              "1.5",
              "99999999999999999999",
              "",
              "%zz",
            ),
            fc.string({ maxLength: 10 }),
          ),
        ),
        origin: fc.option(
          fc.oneof(
            fc.constantFrom(base, "http://evil.example", "null"),
            fc.string({ unit: printable, maxLength: 40 }),
          ),
        ),
        bearer: fc.option(fc.constantFrom(...tokens)),
        handshake: fc.constantFrom(
          "ok",
          "ok",
          "ok",
          "nokey",
          "version",
          "noconnection",
        ),
      });
      type Upgrade = typeof upgradeArb extends fc.Arbitrary<infer U> ? U
        : never;
      const describe = (u: Upgrade) => short(JSON.stringify(u), 600);
      await check(
        "upgrades",
        upgradeArb,
        runs(300),
        async (u) => {
          const url = new URL(`/ws/channels/${u.id}`, base);
          if (u.token !== null) url.searchParams.set("token", u.token);
          let search = url.search;
          if (u.after !== null) {
            search += `${search ? "&" : "?"}after=${u.after}`;
          }
          const target = (url.pathname + search).replace(/#/g, "%23");
          let lines = upgradeLines([
            ...(u.origin !== null ? [`Origin: ${u.origin}`] : []),
            ...(u.bearer !== null ? [`Authorization: Bearer ${u.bearer}`] : []),
          ]);
          if (u.handshake === "nokey") {
            lines = lines.filter((l) => !l.startsWith("Sec-WebSocket-Key"));
          } else if (u.handshake === "version") {
            lines = lines.map((l) =>
              l.startsWith("Sec-WebSocket-Version")
                ? "Sec-WebSocket-Version: 8"
                : l
            );
          } else if (u.handshake === "noconnection") {
            lines = lines.filter((l) => !l.startsWith("Connection"));
          }
          const { status, raw } = await rawUpgrade(base, target, lines);
          httpCases++;
          raw.conn.close();
          // "../" segments can walk the path off the socket route (to a page).
          const onRoute = url.pathname.startsWith("/ws/channels/");
          assert.ok(
            status === 101 || (status >= 400 && status < 500) ||
              (!onRoute && status < 500),
            `status ${status} for ${short(url.pathname)}`,
          );
          if (status === 101) {
            const credential = u.token ?? u.bearer;
            assert.ok(
              credential === world.alice.token ||
                credential === world.bob.token,
              "upgraded without a valid token",
            );
          }
        },
        describe,
        101,
      );
    });

    // -- WebSocket frames: random streams; the socket must keep working.
    await t.step("WebSocket frames", async () => {
      // Bob's room, with Bob's message at seq 1: Alice may react to it, but
      // neither edit nor delete it.
      const room = await createChannel(bob.api, "fuzz-frames");
      assert.equal(
        (await alice.api.post(`/channels/${room.id}/join`)).status,
        200,
      );
      assert.equal(
        (await bob.api.post(`/channels/${room.id}/messages`, {
          content: "bob's",
        }))
          .body.seq,
        1,
      );
      const used = new Set<string>();
      const openSocket = async () => {
        const socket = await FrameSocket.open(base, room.id, alice.token);
        await socket.next("ready");
        return socket;
      };
      let socket = await openSocket();
      let run = 0;
      await check(
        "frames",
        fc.array(frameArb, { minLength: 1, maxLength: 10 }),
        runs(300),
        async (frames) => {
          run++;
          const start = socket.frames.length;
          let errors = 0;
          const echoed: string[] = [];
          let oversize = false;
          for (const frame of frames) {
            const expect = expectFor(frame, used);
            socket.send(frame.kind === "text" ? frame.text : frame.bytes);
            framesSent++;
            if (expect.kind === "close") {
              oversize = true;
              break;
            }
            if (expect.kind === "error") errors++;
            if (expect.kind === "message") {
              used.add(expect.clientId);
              echoed.push(expect.clientId);
            }
          }
          if (oversize) {
            const closed = await withDeadline(
              socket.closed,
              10_000,
              "close 1009",
            );
            assert.equal(
              closed.code,
              1009,
              `closed with ${closed.code} ${closed.reason}`,
            );
            socket = await openSocket();
            return;
          }
          // A valid frame after the bad ones: it must come back, after everything else.
          const sentinel = `sentinel-${run}-${crypto.randomUUID().slice(0, 8)}`;
          used.add(sentinel);
          socket.send(
            JSON.stringify({
              type: "message",
              content: "still here",
              clientId: sentinel,
            }),
          );
          framesSent++;
          const ended = socket.closed.then((c) => {
            throw new Error(`socket closed (${c.code} ${c.reason})`);
          });
          await Promise.race([
            socket.next("message", (f) => f.message.clientId === sentinel),
            ended,
          ]);
          // Frames are handled at once, not one after another, so a refusal
          // that first reads the store (an edit of a message not hers) may
          // come after the sentinel's echo: wait for the refusals expected.
          const refusals = () =>
            socket.frames.slice(start).filter((f) => f.type === "error")
              .length;
          await waitFor(() => refusals() >= errors, {
            what: `${errors} error frames`,
            timeoutMs: 5_000,
          }).catch(() => {
            // The count is asserted below, with the frames that did come.
          });
          const got: ServerFrame[] = socket.frames.slice(start);
          const errorFrames = got.flatMap((f) => f.type === "error" ? [f] : []);
          for (const f of errorFrames) {
            const keys = Object.keys(f).filter((k) => k !== "clientId").sort();
            assert.deepEqual(keys, ["code", "detail", "type"]);
            if ("clientId" in f) assert.equal(typeof f.clientId, "string");
            assert.equal(typeof f.code, "string");
            assert.equal(typeof f.detail, "string");
            assert.notEqual(f.code, "internal_error", f.detail);
          }
          assert.equal(
            errorFrames.length,
            errors,
            `error frames: ${JSON.stringify(errorFrames.map((f) => f.code))}`,
          );
          // Messages sent just before an oversize frame may be stored after
          // the close and show up here; only this run's ids are compared.
          const mine = new Set([...echoed, sentinel]);
          const ids = got.flatMap((f) =>
            f.type === "message" ? [f.message.clientId] : []
          );
          assert.deepEqual(
            ids.filter((id) => id !== undefined && mine.has(id)),
            [...echoed, sentinel],
          );
        },
        describeFrames,
        200,
      );
      await socket.close();

      // A flood: frames past the in-flight limit are refused with an error
      // frame, each of the others is stored once, none is lost silently.
      const flood = await openSocket();
      const ids = Array.from({ length: 100 }, (_, i) => `flood-${i}`);
      for (const id of ids) {
        flood.send(
          JSON.stringify({ type: "message", content: id, clientId: id }),
        );
        framesSent++;
      }
      const tally = () => {
        const stored = flood.frames.flatMap((f) =>
          f.type === "message" && ids.includes(f.message.clientId ?? "")
            ? [f.message.clientId]
            : []
        );
        const errors = flood.frames.flatMap((f) =>
          f.type === "error" ? [f.code] : []
        );
        return { stored, errors };
      };
      await waitFor(
        () => tally().stored.length + tally().errors.length >= ids.length,
        { what: "An answer to every flooded frame", timeoutMs: 20_000 },
      );
      const { stored, errors } = tally();
      assert.equal(new Set(stored).size, stored.length, "a message twice");
      assert.ok(
        errors.every((code) => code === "rate_limited"),
        errors.join(","),
      );
      assert.equal(stored.length + errors.length, ids.length);
      // And the socket still works once the flood has drained.
      flood.send(
        JSON.stringify({
          type: "message",
          content: "end",
          clientId: "flood-end",
        }),
      );
      framesSent++;
      await flood.next("message", (f) => f.message.clientId === "flood-end");
      await flood.close();
      await healthy("after frames");
    });

    // -- Raw protocol violations the WebSocket class cannot produce.
    await t.step("WebSocket protocol violations", async () => {
      const room = await createChannel(alice.api, "fuzz-raw");
      const target = new URL(socketUrl(base, room.id, alice.token));
      const path = target.pathname + target.search;
      const connect = async () => {
        const { status, raw } = await rawUpgrade(base, path, upgradeLines());
        httpCases++;
        assert.equal(status, 101);
        const ready = await readRaw(
          raw,
          (fs) => fs.some((f) => textOf(f).includes('"ready"')),
        );
        assert.equal(ready.close, null);
        return raw;
      };
      const valid = (id: string) =>
        encoder.encode(
          JSON.stringify({ type: "message", content: id, clientId: id }),
        );
      const echoOf = (id: string) => (fs: RawFrame[]) =>
        fs.some((f) =>
          f.opcode === 1 && textOf(f).includes(`"clientId":"${id}"`)
        );
      const violations: Array<[string, Uint8Array[], number[]]> = [
        ["invalid UTF-8 in a text frame", [
          wsFrame(1, Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])),
        ], [
          1007,
        ]],
        ["overlong UTF-8 in a text frame", [
          wsFrame(1, Uint8Array.from([0xc0, 0xaf])),
        ], [1007]],
        ["unmasked client frame", [
          wsFrame(1, encoder.encode("{}"), { mask: false }),
        ], [1002]],
        ["reserved opcode 3", [wsFrame(3, encoder.encode("x"))], [1002]],
        ["reserved opcode 11", [wsFrame(11, encoder.encode("x"))], [1002]],
        ["ping over 125 bytes", [wsFrame(9, new Uint8Array(126))], [1002]],
        ["fragmented ping", [wsFrame(9, encoder.encode("p"), { fin: false })], [
          1002,
        ]],
        ["continuation without a start", [wsFrame(0, encoder.encode("x"))], [
          1002,
        ]],
        ["close with code 999", [wsFrame(8, Uint8Array.from([0x03, 0xe7]))], [
          1002,
          999,
        ]],
        ["close with a 1-byte payload", [wsFrame(8, Uint8Array.from([0x03]))], [
          1002,
        ]],
        ["close with invalid UTF-8 reason", [
          wsFrame(8, Uint8Array.from([0x03, 0xe8, 0xff])),
        ], [
          1007,
          1002,
          1000,
        ]],
        ["length claims 2^40 bytes", [
          wsFrame(2, new Uint8Array(8), { length: 2 ** 40 }),
        ], [
          1009,
          1002,
        ]],
        ["text frame of 1 MiB", [
          wsFrame(1, new Uint8Array(1 << 20).fill(0x20)),
        ], [1009]],
        ["fragments adding up past 16 KiB", [
          wsFrame(1, new Uint8Array(10_000).fill(0x20), { fin: false }),
          wsFrame(0, new Uint8Array(10_000).fill(0x20)),
        ], [1009]],
        ["new text frame inside a fragmented one", [
          wsFrame(1, encoder.encode("{"), { fin: false }),
          wsFrame(1, encoder.encode("}")),
        ], [1002]],
      ];
      for (const [i, [name, frames, codes]] of violations.entries()) {
        const raw = await connect();
        for (const frame of frames) {
          await writeAll(raw.conn, frame).catch(() => {});
          framesSent++;
        }
        // Then a good frame: either the server has closed, or it tolerated
        // the violation and the socket must still work.
        const probe = `probe-${i}`;
        await writeAll(raw.conn, wsFrame(1, valid(probe))).catch(() => {});
        framesSent++;
        const result = await readRaw(raw, echoOf(probe), 5_000).catch(
          (error) => {
            throw new Error(`${name}: ${error.message}`);
          },
        );
        raw.conn.close();
        assert.ok(
          result.dropped || result.close === null ||
            codes.includes(result.close),
          `${name}: closed with ${result.close}, expected one of ${codes}`,
        );
        await healthy(`after ${name}`);
      }

      // Legal but unusual: fragmented messages, pings, empty frames. The socket keeps working.
      const raw = await connect();
      const fragmented = valid("frag-1");
      await writeAll(
        raw.conn,
        wsFrame(1, fragmented.subarray(0, 10), { fin: false }),
      );
      await writeAll(raw.conn, wsFrame(9, encoder.encode("ping!")));
      await writeAll(
        raw.conn,
        wsFrame(0, fragmented.subarray(10, 20), { fin: false }),
      );
      await writeAll(raw.conn, wsFrame(0, fragmented.subarray(20)));
      await writeAll(raw.conn, wsFrame(10, encoder.encode("unsolicited pong")));
      await writeAll(raw.conn, wsFrame(1, new Uint8Array(0)));
      await writeAll(raw.conn, wsFrame(2, new Uint8Array(0)));
      await writeAll(raw.conn, wsFrame(1, valid("frag-2")));
      framesSent += 8;
      const answer = await readRaw(raw, echoOf("frag-2"));
      assert.equal(answer.close, null);
      assert.ok(
        echoOf("frag-1")(answer.frames),
        "fragmented message not handled",
      );
      assert.ok(
        answer.frames.some((f) => f.opcode === 10 && textOf(f) === "ping!"),
        "no pong",
      );
      const errorCodes = answer.frames.filter((f) => f.opcode === 1)
        .map((f) => JSON.parse(textOf(f)))
        .filter((f) => f.type === "error")
        .map((f) => f.code);
      assert.deepEqual(errorCodes, ["invalid_json", "binary_not_supported"]);
      await writeAll(raw.conn, wsFrame(8, Uint8Array.from([0x03, 0xe8])));
      framesSent++;
      const bye = await readRaw(raw, () => false);
      raw.conn.close();
      assert.ok(
        bye.dropped || bye.close === 1000,
        `close answered with ${bye.close}`,
      );
      await healthy("after raw frames");
    });

    // -- And after all that, an ordinary conversation still works.
    await t.step("a normal chat still works afterwards", async () => {
      // Well-formed sign-ups above count against this address's allowance
      // (50 an hour); with many runs they use it up, as they should. Start
      // the ordinary users with a fresh allowance.
      await server.services.limits.registrations.reset("127.0.0.1");
      const dave = await signUp(base, "fuzz_dave", PASSWORD);
      const erin = await signUp(base, "fuzz_erin", PASSWORD);
      registered += 2;
      const room = await createChannel(dave.api, "after-fuzz");
      assert.equal(
        (await erin.api.post(`/channels/${room.id}/join`)).status,
        200,
      );
      const daveSocket = await FrameSocket.open(base, room.id, dave.token);
      const erinSocket = await FrameSocket.open(base, room.id, erin.token);
      try {
        await daveSocket.next("ready");
        await erinSocket.next("ready");
        const posted = await dave.api.post(`/channels/${room.id}/messages`, {
          content: "hello after the storm",
        });
        assert.equal(posted.status, 201);
        assert.equal(
          (await erinSocket.message(1)).content,
          "hello after the storm",
        );
        erinSocket.send({
          type: "message",
          content: "hi dave",
          clientId: "erin-1",
        });
        framesSent++;
        const reply = await daveSocket.message(2);
        assert.equal(reply.content, "hi dave");
        assert.equal(reply.author.username, "fuzz_erin");
        const history = await dave.api.get(`/channels/${room.id}/messages`);
        assert.deepEqual(
          history.body.map((m: { content: string }) => m.content),
          ["hello after the storm", "hi dave"],
        );
      } finally {
        await daveSocket.close();
        await erinSocket.close();
      }
      await healthy("at the end");
    });

    assert.equal(
      faults.length,
      0,
      `the server logged ${faults.length} faults:\n${
        faults.slice(0, 5).map((f) => short(f, 600)).join("\n")
      }`,
    );
    console.log(`fuzz: ${httpCases} HTTP cases, ${framesSent} frames`);
    console.log(
      `fuzz: statuses ${
        [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}x${n}`)
          .join(" ")
      }; ${httpLayerRefusals} refused by the HTTP layer; ${registered} accounts registered`,
    );
  } finally {
    await server.shutdown();
    console.error = consoleError;
    console.warn = consoleWarn;
    setLogSink(previousSink);
  }
});
