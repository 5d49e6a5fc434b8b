/**
 * The service worker's source, served at `/sw.js` with its own headers (see
 * `routes/sw.js.ts`). Kept as a string in a module so it ships inside a
 * compiled binary and on hosts without a file system.
 *
 * It shows each push as a notification (the payload names the channel, the
 * author and the message's link, never its text) and, on a click, focuses a
 * Hearth window and opens the message there, or opens a new window.
 */
export const SERVICE_WORKER_SOURCE = `"use strict";
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    // Not ours to read: still show something, as a push must.
  }
  event.waitUntil(self.registration.showNotification(data.title || "Hearth", {
    body: data.body || "",
    icon: "/icon.svg",
    tag: data.channelId ? data.channelId + ":" + data.seq : undefined,
    data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data && event.notification.data.url || "/", self.location.origin);
  // Only this origin's pages are opened.
  const url = target.origin === self.location.origin ? target.href : self.location.origin + "/";
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of windows) {
      if ("focus" in client) {
        await client.focus();
        return client.navigate(url);
      }
    }
    return self.clients.openWindow(url);
  })());
});
`;
