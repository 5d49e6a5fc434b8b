/**
 * The bytes of a response body made whole in memory, kept beside the
 * Response that carries them. The node bridge sends such a body with one
 * `res.end(bytes)` instead of opening the Response's stream and reading it
 * back (a stream, two reads and their promises per request), which was a
 * large share of a cached page's CPU. Keyed by the Response object itself: a
 * copy or a wrapper (a HEAD answer, a recoded body) carries none and is
 * streamed as before.
 */

const known = new WeakMap<Response, Uint8Array>();

/** `response`, whose body is exactly `bytes` (which must not change after). */
export function withKnownBody(
  response: Response,
  bytes: Uint8Array,
): Response {
  known.set(response, bytes);
  return response;
}

/** The whole body of `response` if it was made from known bytes and not read since. */
export function knownBodyOf(response: Response): Uint8Array | undefined {
  if (response.bodyUsed) return undefined;
  return known.get(response);
}
