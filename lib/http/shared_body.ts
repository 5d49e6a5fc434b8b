/**
 * JSON bodies made once and sent many times: the bytes of a value's JSON and
 * their gzip and brotli codings are kept with an owner object (a cached page
 * of history, say) and shared by every response that sends it, so a page
 * read by many clients is serialized and compressed once, not per request.
 * `compression.ts` asks {@linkcode sharedBodyOf} before coding a response.
 */
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Coding } from "./encoding.ts";
import { withKnownBody } from "./known_body.ts";

// Brotli's cheap end: quality 4 in an 18-bit window codes a page of JSON in
// about 0.4 ms (its default, 11, takes 40 ms).
const BROTLI_ONE_SHOT = {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 4,
    [constants.BROTLI_PARAM_LGWIN]: 18,
  },
};

/** `bytes` coded in one call: gzip at its default level, or cheap brotli. */
export function codeWhole(
  bytes: Uint8Array,
  coding: Coding,
): Uint8Array<ArrayBuffer> {
  return new Uint8Array(
    coding === "gzip"
      ? gzipSync(bytes)
      : brotliCompressSync(bytes, BROTLI_ONE_SHOT),
  );
}

/** The plain bytes of a shared body, and each coding of them once asked for. */
export class SharedBody {
  readonly #coded = new Map<Coding, Uint8Array<ArrayBuffer>>();
  readonly #codedTemplates = new Map<Coding, Response>();

  #template?: Response;

  /** The body's plain bytes. */
  constructor(readonly plain: Uint8Array<ArrayBuffer>) {}

  /**
   * A plain 200 JSON response of these bytes. Copies of one unread response
   * share its bytes, where `new Response(bytes)` copies them each time (20 KB
   * per request for a page of messages, thrown away when the client takes
   * gzip). The type is set on each copy: Deno 2.9.6's `clone()` dropped a
   * lone `content-type` given to the template.
   */
  response(): Response {
    this.#template ??= new Response(this.plain);
    const response = this.#template.clone();
    response.headers.set("content-type", "application/json");
    return response;
  }

  /**
   * A fresh response whose body is these bytes coded with `coding`, without
   * headers: a copy of one unread response made once per coding, as in
   * {@linkcode SharedBody.response} (`new Response(bytes)` costs about as
   * much again as the rest of a cached page's answer).
   */
  codedResponse(
    coding: Coding,
    init: { status: number; statusText: string },
  ): Response {
    let template = this.#codedTemplates.get(coding);
    if (!template) {
      this.#codedTemplates.set(
        coding,
        template = new Response(this.coded(coding)),
      );
    }
    // A status other than 200 is rare (a caller's init): no template for it.
    if (init.status !== 200 || init.statusText) {
      return new Response(this.coded(coding), init);
    }
    return template.clone();
  }

  /** The bytes coded with `coding`, coded on the first call only. */
  coded(coding: Coding): Uint8Array<ArrayBuffer> {
    let bytes = this.#coded.get(coding);
    if (!bytes) this.#coded.set(coding, bytes = codeWhole(this.plain, coding));
    return bytes;
  }
}

const bodies = new WeakMap<object, SharedBody>();
const responses = new WeakMap<Response, SharedBody>();
const encoder = new TextEncoder();

/**
 * A JSON response of `value`, whose bytes (and codings) are made once per
 * `owner` and reused while the owner lives: `value` must not change while
 * `owner` is in use.
 */
export function sharedJsonResponse(
  owner: object,
  value: unknown,
  init: ResponseInit = {},
): Response {
  let body = bodies.get(owner);
  if (!body) {
    bodies.set(
      owner,
      body = new SharedBody(encoder.encode(JSON.stringify(value))),
    );
  }
  let response: Response;
  if (Object.keys(init).length === 0) {
    response = body.response();
  } else {
    const headers = new Headers(init.headers);
    headers.set("content-type", "application/json");
    response = new Response(body.plain, { ...init, headers });
  }
  responses.set(response, body);
  return withKnownBody(response, body.plain);
}

/** The shared body `response` sends, if it was made by {@linkcode sharedJsonResponse}. */
export function sharedBodyOf(response: Response): SharedBody | undefined {
  return responses.get(response);
}
