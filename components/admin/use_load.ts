/** Loading one API resource for an admin tab, with the error to show. */
import { useEffect, useState } from "preact/hooks";
import { api, ApiFailure } from "../../lib/client/api.ts";

/** What `useLoad` holds: the data (null while loading), an error, and a reload. */
export interface Loaded<T> {
  data: T | null;
  error: string;
  reload(): void;
}

/** GETs `path` whenever it changes (or `reload` is called). */
export function useLoad<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState("");
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    api<T>(path, { signal: controller.signal }).then((value) => {
      setData(value);
      setError("");
    }).catch((failure) => {
      if ((failure as Error).name === "AbortError") return;
      setError(failureText(failure));
    });
    return () => controller.abort();
  }, [path, round]);
  return { data, error, reload: () => setRound((n) => n + 1) };
}

/** A sentence for a failed call. */
export function failureText(failure: unknown): string {
  return failure instanceof ApiFailure
    ? failure.message
    : "Something went wrong; try again.";
}
