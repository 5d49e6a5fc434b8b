/**
 * Keeps a page's friends lists current: `onChange` runs when the tab comes
 * back into view (which covers whatever happened while it was hidden).
 */

/** Calls `onChange` whenever the lists may have changed; returns the stop function. */
export function watchFriends(onChange: () => void): () => void {
  const onShow = () => {
    if (document.visibilityState === "visible") onChange();
  };
  document.addEventListener("visibilitychange", onShow);
  addEventListener("focus", onShow);
  return () => {
    document.removeEventListener("visibilitychange", onShow);
    removeEventListener("focus", onShow);
  };
}
