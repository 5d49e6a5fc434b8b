import { parseArgs } from "node:util";
import {
  CONNECTION_SETTINGS,
  integer,
  limitHelp,
  limitOptions,
  readConnectionLimits,
  readUserLimits,
  USER_SETTINGS,
} from "./config_limits.ts";
import type { UserLimits } from "./chat/user_limits.ts";
import type { ConnectionLimits } from "./http/serve.ts";
import {
  REGISTRATION_MODES,
  type RegistrationMode,
} from "./shared/admin_wire.ts";
import type { SearchChoice } from "./db/search_backend.ts";
import { readWorkers, WORKERS_HELP } from "./workers/workers_flag.ts";

/** Everything the server needs to know from flags and environment variables. */
export interface Config {
  port: number;
  host: string;
  /** KV path, ":memory:", or a KV Connect URL (http:// or https://). */
  db: string;
  maxUploadBytes: number;
  /** Origins allowed besides the server's own, e.g. "https://chat.example.org". */
  origins: string[];
  /** Signing secret; when absent a random key is generated once and kept in KV. */
  secret?: string;
  tokenTtlSeconds: number;
  /**
   * bcrypt cost; 12 in production, lowered only by tests to keep them quick
   * (in-process through overrides, in a subprocess through HEARTH_BCRYPT_COST, 4..15).
   */
  passwordCost: number;
  /**
   * Most password hashes waiting for a bcrypt worker; logins and sign-ups
   * beyond it are refused at once with 503 `busy` instead of queueing. Not a
   * flag: tests lower it to provoke the refusal.
   */
  passwordQueueLimit: number;
  /**
   * Relay live events over BroadcastChannel to other instances on the same
   * KV; a string names the BroadcastChannel (tests keep theirs apart).
   */
  relay: boolean | string;
  /**
   * Relay live events through KV itself (watching each channel's head), for
   * instances that share a database but no BroadcastChannel.
   */
  kvRelay: boolean;
  /** Believe X-Forwarded-For, -Host and -Proto (set only behind a reverse proxy). */
  trustProxy: boolean;
  /** Let Web Push go to http and loopback or private endpoints (tests with a local push service). */
  pushAllowHttpLoopback: boolean;
  /** Let bots' outgoing webhooks reach private, loopback and link-local addresses, over http too. */
  webhookAllowPrivate: boolean;
  /**
   * Waits before each retry of a failed outgoing webhook delivery (so one
   * more attempt than entries). Not a flag: tests shorten it.
   */
  webhookRetryDelaysMs: number[];
  /**
   * How long a user still counts as online after their last socket closed, so
   * that switching channels (a page load) does not show them leaving and back.
   */
  offlineGraceMs: number;
  /**
   * How long another instance's users still count after its last beat (see
   * `online_peers.ts`); 15 s unless a test shortens it. Not a flag.
   */
  onlineLeaseMs?: number;
  /** Who may create an account (the very first account always may). */
  registration: RegistrationMode;
  /**
   * Whether the operator gave the mode (`--registration`,
   * `HEARTH_REGISTRATION`): then it is fixed, and admins cannot change it.
   */
  registrationSetByOperator?: boolean;
  /** Head and idle timeouts and the per-address cap on connections. */
  connections: ConnectionLimits;
  /** Per-user caps on messages, channels and sockets. */
  userLimits: UserLimits;
  /** The search engine (`HEARTH_SEARCH_INDEX`): by where the database lives, or forced. */
  searchIndex: SearchChoice;
  /** Serving workers sharing the port (`--workers`); 1 serves on the main thread. */
  workers: number;
}

const SEARCH_CHOICES: readonly SearchChoice[] = ["auto", "kv", "sqlite"];

/** `HEARTH_SEARCH_INDEX` read: the choice, or an error message. */
export function readSearchChoice(
  env: (name: string) => string | undefined,
): { choice: SearchChoice } | { error: string } {
  const raw = (env("HEARTH_SEARCH_INDEX") ?? "auto").trim().toLowerCase();
  const choice = SEARCH_CHOICES.find((c) => c === raw);
  return choice
    ? { choice }
    : { error: `HEARTH_SEARCH_INDEX must be auto, kv or sqlite, got "${raw}"` };
}

export type { RegistrationMode } from "./shared/admin_wire.ts";

/** Default for {@linkcode Config.webhookRetryDelaysMs}: 4 attempts, at once then after 1 s, 5 s, 25 s. */
export const WEBHOOK_RETRY_DELAYS_MS = [1000, 5000, 25_000];

/** Default for {@linkcode Config.offlineGraceMs}. */
export const OFFLINE_GRACE_MS = 5000;

/** Default for {@linkcode Config.passwordQueueLimit}: a few seconds of work at cost 12 on two workers. */
export const PASSWORD_QUEUE_LIMIT = 32;

/** What the command line asked for. */
export type ParsedArgs =
  | { kind: "serve"; config: Config }
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "error"; message: string };

/** The text `--help` prints. */
export const HELP = `Hearth: self-hosted real-time group chat with file sharing

Usage: hearth [flags]

Flags (each may also come from the environment variable shown):
  --port N             port to listen on (PORT, default 8000; 0 picks a free one)
  --host ADDR          address to bind (HOST, default 0.0.0.0)
  --db PATH            KV database file, :memory:, or a KV Connect URL (http:// or
                       https://, its token in DENO_KV_ACCESS_TOKEN) (HEARTH_DB,
                       default ./hearth.db)
  --max-upload-mb N    largest file upload in MiB (HEARTH_MAX_UPLOAD_MB, default 100)
  --origin URL         another origin allowed to use the API and sockets; repeatable
                       (HEARTH_ORIGINS, comma-separated)
  --secret TEXT        token signing secret (HEARTH_SECRET; default: generated and kept in the db)
  --token-ttl DURATION token lifetime such as 7d, 12h, 30m or seconds (HEARTH_TOKEN_TTL, default 7d)
  --registration MODE  who may sign up: open, invite (people with an invite link) or
                       closed; the first account always may (HEARTH_REGISTRATION,
                       default invite)
  --relay MODE         how instances sharing the database hear each other's live
                       events: off, broadcast (BroadcastChannel), kv (KV watches)
                       or both (HEARTH_RELAY; default off, both on Deno Deploy)
${WORKERS_HELP}  --trust-proxy        believe X-Forwarded-For (rate limits), -Host and -Proto (origin,
                       Secure cookies); only behind a reverse proxy that sets them
                       (HEARTH_TRUST_PROXY=1)
  --push-allow-http-loopback
                       also send Web Push to http and loopback or private
                       endpoints (for tests with a local push service; never in
                       production)
  --webhook-allow-private
                       let bots' outgoing webhooks reach private, loopback and
                       link-local addresses, over http too (an operator's choice
                       for receivers on the same network; HEARTH_WEBHOOK_ALLOW_PRIVATE=1)
  --help               show this help
  --version            show the version

Connections:
${limitHelp(CONNECTION_SETTINGS)}
Per user (HEARTH_USER_LIMITS=off lifts these, for load tests):
${limitHelp(USER_SETTINGS)}`;

const DEFAULTS = {
  port: 8000,
  host: "0.0.0.0",
  db: "./hearth.db",
  maxUploadMb: 100,
};

/** Parses flags, falling back to environment variables, then defaults. */
export function parseConfig(
  args: string[],
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): ParsedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        db: { type: "string" },
        "max-upload-mb": { type: "string" },
        origin: { type: "string", multiple: true },
        secret: { type: "string" },
        "token-ttl": { type: "string" },
        "trust-proxy": { type: "boolean" },
        registration: { type: "string" },
        relay: { type: "string" },
        workers: { type: "string" },
        "push-allow-http-loopback": { type: "boolean" },
        "webhook-allow-private": { type: "boolean" },
        ...limitOptions(CONNECTION_SETTINGS),
        ...limitOptions(USER_SETTINGS),
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    }));
  } catch (error) {
    return { kind: "error", message: (error as Error).message };
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  const port = integer(
    values.port ?? env("PORT"),
    "--port",
    DEFAULTS.port,
    0,
    65535,
  );
  if (typeof port === "string") return { kind: "error", message: port };
  const mb = integer(
    values["max-upload-mb"] ?? env("HEARTH_MAX_UPLOAD_MB"),
    "--max-upload-mb",
    DEFAULTS.maxUploadMb,
    1,
    1024 * 1024,
  );
  if (typeof mb === "string") return { kind: "error", message: mb };
  const ttl = duration(values["token-ttl"] ?? env("HEARTH_TOKEN_TTL"));
  if (typeof ttl === "string") return { kind: "error", message: ttl };

  const host = values.host ?? env("HOST") ?? DEFAULTS.host;
  if (host.trim() === "") {
    return { kind: "error", message: "--host must not be empty" };
  }
  const db = values.db ?? env("HEARTH_DB") ?? DEFAULTS.db;
  if (db.trim() === "") {
    return { kind: "error", message: "--db must not be empty" };
  }

  const origins: string[] = [];
  const rawOrigins = values.origin ??
    (env("HEARTH_ORIGINS")?.split(",").map((o) => o.trim()).filter(Boolean) ??
      []);
  for (const raw of rawOrigins) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return {
        kind: "error",
        message:
          `--origin "${raw}" is not a URL such as https://chat.example.org`,
      };
    }
    // Browsers only send http(s) origins: "ws://" or "ftp://" would never match.
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return {
        kind: "error",
        message: `--origin "${raw}" must be an http(s) origin`,
      };
    }
    origins.push(url.origin);
  }
  // A testing knob, not a flag: suites that start the real program as a
  // subprocess lower the bcrypt cost to keep sign-ups fast. Production keeps 12.
  const cost = integer(
    env("HEARTH_BCRYPT_COST"),
    "HEARTH_BCRYPT_COST",
    12,
    4,
    15,
  );
  if (typeof cost === "string") return { kind: "error", message: cost };
  const secret = values.secret ?? env("HEARTH_SECRET");
  if (secret !== undefined && secret.length < 16) {
    return {
      kind: "error",
      message: "--secret must be at least 16 characters",
    };
  }
  const registration = (values.registration ?? env("HEARTH_REGISTRATION") ??
    "invite").trim().toLowerCase();
  if (!isRegistrationMode(registration)) {
    return {
      kind: "error",
      message:
        `--registration must be open, invite or closed, got "${registration}"`,
    };
  }
  let trustProxy = values["trust-proxy"] ?? false;
  if (!values["trust-proxy"]) {
    const raw = env("HEARTH_TRUST_PROXY")?.trim().toLowerCase();
    if (raw === "1" || raw === "true") trustProxy = true;
    else if (
      raw !== undefined && raw !== "" && raw !== "0" && raw !== "false"
    ) {
      return {
        kind: "error",
        message: `HEARTH_TRUST_PROXY must be 1 or 0, got "${raw}"`,
      };
    }
  }
  const connections = readConnectionLimits(values, env, trustProxy);
  if (typeof connections === "string") {
    return { kind: "error", message: connections };
  }
  const userLimits = readUserLimits(values, env);
  if (typeof userLimits === "string") {
    return { kind: "error", message: userLimits };
  }
  const search = readSearchChoice(env);
  if ("error" in search) return { kind: "error", message: search.error };
  const relay = relayMode(values.relay ?? env("HEARTH_RELAY"), env);
  if (relay === null) {
    return {
      kind: "error",
      message: "--relay must be off, broadcast, kv or both",
    };
  }
  const workers = readWorkers(values.workers ?? env("HEARTH_WORKERS"), db, env);
  if (typeof workers === "string") return { kind: "error", message: workers };
  return {
    kind: "serve",
    config: {
      port,
      host,
      db,
      maxUploadBytes: mb * 1024 * 1024,
      origins,
      secret,
      tokenTtlSeconds: ttl,
      passwordCost: cost,
      passwordQueueLimit: PASSWORD_QUEUE_LIMIT,
      relay: relay.broadcast,
      // Workers hear each other through KV, whatever --relay says (docs/SCALING.md).
      kvRelay: relay.kv || workers > 1,
      trustProxy,
      pushAllowHttpLoopback: values["push-allow-http-loopback"] ?? false,
      webhookAllowPrivate: values["webhook-allow-private"] ??
        env("HEARTH_WEBHOOK_ALLOW_PRIVATE") === "1",
      webhookRetryDelaysMs: WEBHOOK_RETRY_DELAYS_MS,
      offlineGraceMs: OFFLINE_GRACE_MS,
      registration,
      registrationSetByOperator: values.registration !== undefined ||
        env("HEARTH_REGISTRATION") !== undefined,
      connections,
      userLimits,
      searchIndex: search.choice,
      workers,
    },
  };
}

// The relays a --relay mode runs; "1" is the older spelling of broadcast.
function relayMode(
  mode: string | undefined,
  env: (name: string) => string | undefined,
): { broadcast: boolean; kv: boolean } | null {
  // Deno Deploy runs several isolates on one KV; they must hear each other,
  // and the new Deploy promises no BroadcastChannel between them.
  mode ??= env("DENO_DEPLOYMENT_ID") !== undefined ? "both" : "off";
  switch (mode) {
    case "off":
    case "0":
      return { broadcast: false, kv: false };
    case "broadcast":
    case "1":
      return { broadcast: true, kv: false };
    case "kv":
      return { broadcast: false, kv: true };
    case "both":
      return { broadcast: true, kv: true };
    default:
      return null;
  }
}

function isRegistrationMode(value: string): value is RegistrationMode {
  return (REGISTRATION_MODES as readonly string[]).includes(value);
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

function duration(raw: string | undefined): number | string {
  if (raw === undefined) return 7 * 86400;
  const match = raw.trim().match(/^(\d+)([smhd]?)$/);
  if (!match) {
    return `--token-ttl must look like 7d, 12h, 30m or 3600, got "${raw}"`;
  }
  const seconds = Number(match[1]) * UNITS[match[2] || "s"];
  if (seconds < 60 || seconds > 365 * 86400) {
    return `--token-ttl must be between 1 minute and 365 days, got "${raw}"`;
  }
  return seconds;
}
