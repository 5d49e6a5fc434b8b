/**
 * A local push service for tests: a Deno server on 127.0.0.1 that takes
 * Web Push requests as a browser vendor's would, checks the VAPID JWT and
 * decrypts the payload (RFC 8291, with the `http_ece` library) with the
 * private key of a "browser" it made up for each device path.
 */
import assert from "node:assert/strict";
import { createECDH, randomBytes } from "node:crypto";
import { Buffer } from "node:buffer";
import ece from "http_ece";
import { importJWK, jwtVerify } from "jose";

/** Bytes as unpadded base64url. */
export const b64u = (bytes: Uint8Array) =>
  bytes.toBase64({ alphabet: "base64url", omitPadding: true });

/** A made-up browser: its key pair and auth secret, as a subscription carries them. */
export function browser() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    auth,
    keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) },
  };
}

/** One push the service took in, decrypted and checked. */
export interface Received {
  path: string;
  /** The decrypted payload as sent, and parsed. */
  text: string;
  payload: Record<string, unknown>;
  claims: Record<string, unknown>;
  key: string;
  encoding: string | null;
}

/** A push service on 127.0.0.1 that decrypts what it is sent. */
export class LocalPushService {
  readonly received: Received[] = [];
  readonly attempts = new Map<string, number>();
  readonly problems: string[] = [];
  readonly #browsers = new Map<string, ReturnType<typeof browser>>();
  readonly #gone = new Set<string>();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  constructor() {
    this.#server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      (req) => this.#take(req),
    );
  }

  /** Where it listens, `http://127.0.0.1:port`. */
  get origin(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** A new device at `path`; a `gone` one answers 410 like an expired subscription. */
  device(path: string, gone = false) {
    const device = browser();
    this.#browsers.set(path, device);
    if (gone) this.#gone.add(path);
    return { endpoint: this.origin + path, keys: device.keys };
  }

  async #take(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    this.attempts.set(path, (this.attempts.get(path) ?? 0) + 1);
    const body = new Uint8Array(await req.arrayBuffer());
    if (this.#gone.has(path)) return new Response(null, { status: 410 });
    const device = this.#browsers.get(path);
    if (!device) return new Response(null, { status: 404 });
    try {
      const auth = req.headers.get("authorization") ?? "";
      const match = auth.match(/^vapid t=([^,]+), k=([A-Za-z0-9_-]+)$/);
      if (!match) throw new Error(`bad Authorization: ${auth}`);
      const point = Uint8Array.fromBase64(match[2], { alphabet: "base64url" });
      const key = await importJWK({
        kty: "EC",
        crv: "P-256",
        x: b64u(point.slice(1, 33)),
        y: b64u(point.slice(33, 65)),
      }, "ES256");
      const { payload: claims } = await jwtVerify(match[1], key, {
        audience: this.origin,
      });
      const plain = ece.decrypt(Buffer.from(body), {
        version: "aes128gcm",
        privateKey: device.ecdh,
        authSecret: device.auth,
      });
      const text = new TextDecoder().decode(plain);
      this.received.push({
        path,
        text,
        payload: JSON.parse(text),
        claims,
        key: match[2],
        encoding: req.headers.get("content-encoding"),
      });
      return new Response(null, { status: 201 });
    } catch (error) {
      this.problems.push(String(error));
      return new Response(null, { status: 400 });
    }
  }

  /** Stops the server. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }
}

/** Runs `body` with a push service, and fails if any push it took did not decrypt and verify. */
export async function withPushService(
  body: (service: LocalPushService) => Promise<void>,
): Promise<void> {
  const service = new LocalPushService();
  try {
    await body(service);
    assert.deepEqual(service.problems, [], "every push decrypted and verified");
  } finally {
    await service.close();
  }
}
