/**
 * The watch of the KV Connect test server: a stream of length-prefixed
 * `WatchOutput` messages (4-byte little-endian length, then the message),
 * with an empty frame every few seconds to show the stream is alive.
 */
import {
  type Bytes,
  decodeWatch,
  encodeWatchOutput,
} from "./kv_connect_proto.ts";
import { BadRequest, type KvConnectStore } from "./kv_connect_store.ts";

/** Most keys one watch may name (denokv's limit). */
const WATCHED_KEYS = 10;

/** How often an idle watch stream gets an empty frame (denokv: every 5 s). */
const PING_MS = 5000;

/**
 * A watch: a stream of length-prefixed `WatchOutput` messages, the first at
 * once, then one after each commit that writes a watched key (commits close
 * together share one), every key's current entry in each, as denokv sends.
 */
export function watch(
  store: KvConnectStore,
  body: Uint8Array,
  watches: Set<() => void>,
): Response {
  const keys = decodeWatch(body);
  if (keys.length > WATCHED_KEYS) {
    throw new BadRequest("too many keys watched");
  }
  let end = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let pending = false;
      let closed = false;
      const send = (message: Bytes) => {
        if (closed) return;
        const frame = new Uint8Array(4 + message.length);
        new DataView(frame.buffer).setUint32(0, message.length, true);
        frame.set(message, 4);
        controller.enqueue(frame);
      };
      const snapshot = () => {
        pending = false;
        send(encodeWatchOutput(keys.map((k) => store.get(k))));
      };
      const wake = () => {
        if (pending) return;
        pending = true;
        queueMicrotask(snapshot);
      };
      const unsubscribe = keys.map((k) => store.subscribe(k, wake));
      const ping = setInterval(() => send(new Uint8Array()), PING_MS);
      end = () => {
        closed = true;
        unsubscribe.forEach((u) => u());
        clearInterval(ping);
        watches.delete(end);
        try {
          controller.close();
        } catch {
          // Already cancelled by the client.
        }
      };
      watches.add(end);
      snapshot();
    },
    cancel() {
      end();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "application/octet-stream" },
  });
}
