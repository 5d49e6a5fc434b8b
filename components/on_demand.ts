/**
 * Code the chat page imports only when it is first wanted (a dialog opened,
 * an image viewed): a dynamic `import()`, which the bundler puts in a chunk
 * of its own, so the page's first load does not carry it.
 */
import { useEffect, useState } from "preact/hooks";

/** A module fetched at most once per page, on first want or on a hint. */
export interface OnDemand<M> {
  /** Starts the import, or joins the one under way; a failed one is retried. */
  load(): Promise<M>;
  /** The module once it has arrived. */
  loaded: M | null;
}

/** Wraps `importer` (a `() => import("./X.tsx")`) so it runs once. */
export function onDemand<M>(importer: () => Promise<M>): OnDemand<M> {
  let loading: Promise<M> | null = null;
  const code: OnDemand<M> = {
    loaded: null,
    load() {
      loading ??= importer().then(
        (module) => (code.loaded = module),
        (error) => {
          // A network failure: the next want tries again.
          loading = null;
          throw error;
        },
      );
      return loading;
    },
  };
  return code;
}

/**
 * The module of `code` once `wanted` has been true and it has arrived; null
 * until then (the caller shows nothing). `onFail` runs if it cannot be had.
 */
export function useOnDemand<M>(
  code: OnDemand<M>,
  wanted: boolean,
  onFail: () => void,
): M | null {
  // Kept in an object: a module namespace is not a state updater.
  const [held, setHeld] = useState({ module: code.loaded });
  useEffect(() => {
    if (!wanted || held.module) return;
    let current = true;
    code.load().then(
      (module) => current && setHeld({ module }),
      () => current && onFail(),
    );
    return () => {
      current = false;
    };
  }, [wanted]);
  return held.module;
}
