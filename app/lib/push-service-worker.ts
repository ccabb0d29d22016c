// The service worker that shows Web Push notifications (decision 024), served from the site's root
// (app/routes/push-sw[.]js.ts) so its scope is the whole app. A notification says only what its
// payload says ("New message in <workspace>"), never a message's words, and a click opens the
// conversation on this origin only.
export const SERVICE_WORKER_SOURCE = `
'use strict';
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

function appPath(value) {
  // Only a path on this origin, judged by where the URL parser lands, not by how the string looks:
  // it reads a backslash as a slash and drops tabs and newlines, so '/\\evil.com' is another site.
  if (typeof value !== 'string') return '/';
  let url;
  try {
    url = new URL(value, self.location.origin);
  } catch (_) {
    return '/';
  }
  const path = url.pathname + url.search + url.hash;
  // The parsed path itself may start with '//' ('/.//evil.com' parses to it): read again, as a
  // click does, that is another site.
  return url.origin === self.location.origin && !path.startsWith('//') ? path : '/';
}

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_) {
    data = {};
  }
  const title = typeof data.title === 'string' && data.title.length <= 120 ? data.title : 'New message';
  const badge = Number(data.badge);
  event.waitUntil(
    Promise.all([
      self.registration.showNotification(title, {
        tag: typeof data.conversationId === 'string' ? data.conversationId : undefined,
        renotify: true,
        data: { path: appPath(data.path) },
      }),
      Number.isInteger(badge) && self.navigator.setAppBadge ? self.navigator.setAppBadge(badge).catch(() => {}) : null,
    ]),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const href = new URL(appPath(event.notification.data && event.notification.data.path), self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (!open) return self.clients.openWindow(href);
      // Focus first, while the click still counts as the user's: after a navigation it may not.
      // A window refused focus still shows the conversation. navigate() rejects for a window this
      // worker does not control (includeUncontrolled), so the conversation opens in a new one.
      return open
        .focus()
        .catch(() => null)
        .then(() => open.navigate(href))
        .catch(() => self.clients.openWindow(href));
    }),
  );
});
`;
