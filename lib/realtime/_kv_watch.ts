/**
 * One `kv.watch` call that outlives errors: a watch that fails (a dropped KV
 * Connect stream) is opened again after a pause, until it is stopped.
 */
import { errorFields, log } from "../log.ts";

// A failed watch is opened again after this long.
const REWATCH_MS = 1000;

/** A running watch. */
export interface Watch {
  /** Ends the watch; `changed` is not called after this. */
  stop(): void;
}

/** Calls `changed` with the entries of `keys` at first and whenever one of them changes. */
export function watchKeys(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
  changed: (entries: Deno.KvEntryMaybe<unknown>[]) => void,
): Watch {
  let stopped = false;
  let reader: ReadableStreamDefaultReader<Deno.KvEntryMaybe<unknown>[]>;
  let pause: ReturnType<typeof setTimeout> | undefined;
  const run = async () => {
    while (!stopped) {
      try {
        reader = kv.watch(keys).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done || stopped) break;
          changed(value);
        }
      } catch (err) {
        if (stopped) return;
        log("warn", "kv watch failed; watching again", errorFields(err));
      }
      if (stopped) return;
      await new Promise((resolve) => pause = setTimeout(resolve, REWATCH_MS));
    }
  };
  run();
  return {
    stop() {
      stopped = true;
      clearTimeout(pause);
      reader?.cancel().catch(() => {});
    },
  };
}
