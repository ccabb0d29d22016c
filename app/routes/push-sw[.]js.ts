// The service worker that shows Web Push notifications (decision 024), served from the site's root
// so its scope is the whole app. A notification says only what its payload says ("New message in
// <workspace>"), never a message's words, and a click opens the conversation on this origin only.
export const SERVICE_WORKER_SOURCE = `
'use strict';
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

function appPath(value) {
  // Only a path on this origin: never a URL a payload could point elsewhere.
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';
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
  const url = new URL(appPath(event.notification.data && event.notification.data.path), self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).origin === url.origin);
      if (open) return open.navigate(url.href).then((client) => (client || open).focus());
      return self.clients.openWindow(url.href);
    }),
  );
});
`;

export const loader = () =>
  new Response(SERVICE_WORKER_SOURCE, {
    headers: {
      'Content-Type': 'text/javascript; charset=utf-8',
      // A new version is picked up at the next visit, not a day later.
      'Cache-Control': 'no-cache',
      'Service-Worker-Allowed': '/',
    },
  });
