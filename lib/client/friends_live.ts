/**
 * Keeps a page's friends lists current: `onChange` runs whenever the server
 * says they changed (the `/friends/events` stream, which the browser
 * reconnects by itself), and when the tab comes back into view (which
 * covers whatever happened while the stream was down).
 */

/** Calls `onChange` whenever the lists may have changed; returns the stop function. */
export function watchFriends(onChange: () => void): () => void {
  const events = new EventSource("/friends/events");
  events.addEventListener("friends_changed", onChange);
  // Says "the page is live" on the document, for tests and tools.
  events.addEventListener("open", () => {
    document.documentElement.dataset.friendsLive = "";
  });
  const onShow = () => {
    if (document.visibilityState === "visible") onChange();
  };
  document.addEventListener("visibilitychange", onShow);
  addEventListener("focus", onShow);
  return () => {
    events.close();
    document.removeEventListener("visibilitychange", onShow);
    removeEventListener("focus", onShow);
  };
}
