/**
 * Outgoing POSTs to URLs that users chose (Web Push endpoints, bots'
 * webhook URLs), safe against server-side request forgery. The address is
 * checked where the connection is made: node's `lookup` hook sees every
 * address a name resolves to just before connecting, so a name that
 * resolves to a public address when checked and to a private one when used
 * (DNS rebinding) cannot slip through. Redirects are never followed, the
 * wait is bounded, and only the first bytes of an answer are read.
 */
import { lookup as dnsLookup } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { isPrivateAddress } from "./address.ts";

/** Where outgoing requests may go. */
export interface TargetPolicy {
  /**
   * Let requests reach private, loopback and link-local addresses over
   * `http:` as well as `https:` (an operator's `--webhook-allow-private`,
   * or tests with a receiver on 127.0.0.1). Off: public `https:` only.
   */
  allowPrivate: boolean;
  /** Resolves a name to its addresses (injected in tests; node's resolver otherwise). */
  resolve?: (host: string) => Promise<string[]>;
}

/** How one request is bounded. */
export interface RequestLimits {
  /** Give up after this long, connecting and answering included. */
  timeoutMs: number;
  /** Read at most this many bytes of the answer's body. */
  maxResponseBytes: number;
}

/** What came back: the status, the headers and at most the capped body. */
export interface SafeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** A target refused before any byte was sent to it: its address or URL is not allowed. */
export class RefusedTarget extends Error {
  /** Says why, naming the URL's problem or the refused address. */
  constructor(reason: string) {
    super(`Refused target: ${reason}`);
    this.name = "RefusedTarget";
  }
}

/** Defaults for a webhook or push POST: 10 s, 64 KiB of answer. */
export const DEFAULT_LIMITS: RequestLimits = {
  timeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
};

/**
 * Why `url` may not be requested at all (scheme, credentials, an IP literal
 * that is not public), or null. Names are judged later, at connect time.
 */
export function refuseUrl(url: string, policy: TargetPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (parsed.username || parsed.password) return "credentials in the URL";
  if (parsed.protocol !== "https:") {
    if (parsed.protocol !== "http:" || !policy.allowPrivate) {
      return "not https";
    }
  }
  const host = bareHost(parsed);
  // An IP literal is connected to without a lookup, so it is judged here.
  if (isIP(host) !== 0 && !policy.allowPrivate && isPrivateAddress(host)) {
    return `a private address (${host})`;
  }
  return null;
}

/**
 * POSTs `body` to `url` within `policy` and `limits`. Throws
 * {@linkcode RefusedTarget} when the URL or the address it resolves to is
 * not allowed (nothing was sent), and another error when the request failed
 * or timed out. A 3xx is returned as it is, never followed.
 */
export function safePost(
  url: string,
  body: Uint8Array | string,
  headers: Record<string, string>,
  policy: TargetPolicy,
  limits: RequestLimits = DEFAULT_LIMITS,
): Promise<SafeResponse> {
  const refusal = refuseUrl(url, policy);
  if (refusal !== null) return Promise.reject(new RefusedTarget(refusal));
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const payload = typeof body === "string"
    ? new TextEncoder().encode(body)
    : body;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, response?: SafeResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(response!);
    };
    const req = client.request({
      protocol: target.protocol,
      host: bareHost(target),
      port: target.port || undefined,
      path: target.pathname + target.search,
      method: "POST",
      headers: { ...headers, "content-length": String(payload.byteLength) },
      // No pooled socket: every request resolves, and is checked, anew.
      agent: false,
      lookup: checkedLookup(policy),
    }, (res) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      const done = () =>
        finish(null, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: concat(chunks, size),
        });
      res.on("data", (chunk: Uint8Array) => {
        const room = limits.maxResponseBytes - size;
        if (room > 0) {
          const part = chunk.subarray(0, room);
          chunks.push(part);
          size += part.byteLength;
        }
        // Past the cap the rest is not worth reading: the answer is complete enough.
        if (size >= limits.maxResponseBytes) {
          done();
          res.destroy();
        }
      });
      res.on("end", done);
      res.on("error", (error) => finish(error));
    });
    const timer = setTimeout(() => {
      const error = new Error(`No answer within ${limits.timeoutMs} ms`);
      finish(error);
      req.destroy(error);
    }, limits.timeoutMs);
    req.on("error", (error) => finish(unwrap(error)));
    req.end(payload);
  });
}

// Node's lookup signature, checking every address before the socket uses it.
type LookupCallback = (
  error: Error | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

function checkedLookup(policy: TargetPolicy) {
  return (
    host: string,
    options: { all?: boolean } | number | undefined,
    callback: LookupCallback,
  ): void => {
    resolveAll(host, policy).then((addresses) => {
      if (addresses.length === 0) {
        throw new RefusedTarget(`"${host}" does not resolve`);
      }
      const refused = policy.allowPrivate
        ? undefined
        : addresses.find(isPrivateAddress);
      // One private address among public ones refuses the name: which one
      // the socket would take is not ours to choose.
      if (refused !== undefined) {
        throw new RefusedTarget(`"${host}" resolves to ${refused}`);
      }
      const entries = addresses.map((address) => ({
        address,
        family: isIP(address),
      }));
      if (typeof options === "object" && options?.all) {
        callback(null, entries);
      } else callback(null, entries[0].address, entries[0].family);
    }).catch((error) => callback(error, "", 0));
  };
}

function resolveAll(host: string, policy: TargetPolicy): Promise<string[]> {
  if (policy.resolve) return policy.resolve(host);
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (error, addresses) => {
      if (error) reject(new RefusedTarget(`"${host}" does not resolve`));
      else resolve(addresses.map((a) => a.address));
    });
  });
}

// Node may wrap the lookup's error (e.g. in an AggregateError of attempts).
function unwrap(error: Error): Error {
  if (error instanceof RefusedTarget) return error;
  const inner = (error as { errors?: unknown[] }).errors?.find((e) =>
    e instanceof RefusedTarget
  );
  return inner instanceof RefusedTarget ? inner : error;
}

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
