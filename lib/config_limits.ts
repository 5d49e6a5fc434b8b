/**
 * The numeric limits an operator may tune, each a flag with an environment
 * variable and a default: connection timeouts and caps, and per-user caps.
 * One table each, so
 * `--help`, parsing and the README say the same.
 */
import type { UserLimits } from "./chat/user_limits.ts";
import type { ConnectionLimits } from "./http/serve.ts";

/** One whole-number setting: its flag (without dashes), variable, default and range. */
export interface LimitSetting {
  flag: string;
  env: string;
  fallback: number;
  min: number;
  max: number;
  help: string;
}

/** The connection settings. */
export const CONNECTION_SETTINGS = {
  headerTimeout: {
    flag: "header-timeout",
    env: "HEARTH_HEADER_TIMEOUT",
    fallback: 10,
    min: 1,
    max: 3600,
    help: "seconds a client has to send a whole request head",
  },
  idleTimeout: {
    flag: "idle-timeout",
    env: "HEARTH_IDLE_TIMEOUT",
    fallback: 30,
    min: 1,
    max: 86400,
    help: "seconds a connection may send and receive nothing (stalled bodies)",
  },
  perAddress: {
    flag: "max-conns-per-address",
    env: "HEARTH_MAX_CONNS_PER_ADDRESS",
    fallback: 64,
    min: 0,
    max: 1_000_000,
    help:
      "open connections per client address; 0: no cap (default with --trust-proxy)",
  },
} satisfies Record<string, LimitSetting>;

/** The per-user settings (lifted by `HEARTH_USER_LIMITS=off`). */
export const USER_SETTINGS = {
  messagesPerSecond: {
    flag: "user-messages-per-second",
    env: "HEARTH_USER_MESSAGES_PER_SECOND",
    fallback: 5,
    min: 1,
    max: 100_000,
    help: "messages one user may post per second after a burst",
  },
  messageBurst: {
    flag: "user-message-burst",
    env: "HEARTH_USER_MESSAGE_BURST",
    fallback: 20,
    min: 1,
    max: 100_000,
    help: "messages one user may post at once",
  },
  channelsPerHour: {
    flag: "user-channels-per-hour",
    env: "HEARTH_USER_CHANNELS_PER_HOUR",
    fallback: 10,
    min: 1,
    max: 100_000,
    help: "channels one user may create per hour",
  },
  socketsPerUser: {
    flag: "user-sockets",
    env: "HEARTH_USER_SOCKETS",
    fallback: 20,
    min: 1,
    max: 100_000,
    help: "sockets one user may have open at once",
  },
  storageMb: {
    flag: "user-storage-mb",
    env: "HEARTH_USER_STORAGE_MB",
    fallback: 1024,
    min: 1,
    max: 1024 * 1024 * 1024,
    help: "MiB of files one user may share in all (never lifted)",
  },
} satisfies Record<string, LimitSetting>;

/** The per-user caps from flags and environment; `HEARTH_USER_LIMITS=off` lifts them. */
export function readUserLimits(
  values: Record<string, unknown>,
  env: (name: string) => string | undefined,
): UserLimits | string {
  const read = readLimits(USER_SETTINGS, values, env);
  if (typeof read === "string") return read;
  const switchValue = env("HEARTH_USER_LIMITS")?.trim().toLowerCase();
  if (
    switchValue !== undefined && switchValue !== "" && switchValue !== "on" &&
    switchValue !== "off"
  ) {
    return `HEARTH_USER_LIMITS must be on or off, got "${switchValue}"`;
  }
  const { storageMb, ...caps } = read;
  return {
    enabled: switchValue !== "off",
    ...caps,
    storageBytes: storageMb * 1024 * 1024,
  };
}

/** A whole number from `raw` within [min, max], the fallback when absent, or an error text. */
export function integer(
  raw: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number | string {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    return `${flag} must be a whole number, got "${raw}"`;
  }
  const value = Number(raw);
  if (value < min || value > max) {
    return `${flag} must be between ${min} and ${max}, got ${value}`;
  }
  return value;
}

/** The `parseArgs` options for every setting in `settings`. */
export function limitOptions(
  settings: Record<string, LimitSetting>,
): Record<string, { type: "string" }> {
  return Object.fromEntries(
    Object.values(settings).map((s) => [s.flag, { type: "string" as const }]),
  );
}

/** `--help` lines for `settings`. */
export function limitHelp(settings: Record<string, LimitSetting>): string {
  return Object.values(settings).map((s) =>
    `  --${s.flag} N`.padEnd(23) +
    `${s.help} (${s.env}, default ${s.fallback})\n`
  ).join("");
}

/** Reads every setting of `settings` from flags, then the environment, then defaults. */
export function readLimits<K extends string>(
  settings: Record<K, LimitSetting>,
  values: Record<string, unknown>,
  env: (name: string) => string | undefined,
  fallbacks: Partial<Record<K, number>> = {},
): Record<K, number> | string {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(settings) as K[]) {
    const s = settings[key];
    const raw = (values[s.flag] as string | undefined) ?? env(s.env);
    const value = integer(
      raw,
      `--${s.flag}`,
      fallbacks[key] ?? s.fallback,
      s.min,
      s.max,
    );
    if (typeof value === "string") return value;
    out[key] = value;
  }
  return out;
}

/** The connection limits from flags and environment; behind a trusted proxy no per-address cap unless asked. */
export function readConnectionLimits(
  values: Record<string, unknown>,
  env: (name: string) => string | undefined,
  trustProxy: boolean,
): ConnectionLimits | string {
  const read = readLimits(
    CONNECTION_SETTINGS,
    values,
    env,
    trustProxy ? { perAddress: 0 } : {},
  );
  if (typeof read === "string") return read;
  return {
    headerTimeoutMs: read.headerTimeout * 1000,
    idleTimeoutMs: read.idleTimeout * 1000,
    perAddress: read.perAddress,
  };
}
