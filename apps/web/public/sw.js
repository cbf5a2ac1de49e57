// Parley's service worker: shows the webhook gateway's pushes (a missed video call) while no Parley page is
// open, and hands each one to the pages that are open so they can show it in place.
// The payload is the protocol's PushNotificationPayload; anything else is shown as a plain notice.

const PUSH_MESSAGE_TYPE = 'parley.push';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** The pushed payload, checked field by field: a push service may deliver anything. */
function readPayload(data) {
  if (!data) return undefined;
  let value;
  try {
    value = data.json();
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, title, body, conversationId, inviteId } = value;
  if (type !== 'video.missed' || typeof title !== 'string' || typeof body !== 'string') return undefined;
  if (typeof conversationId !== 'string' || typeof inviteId !== 'string') return undefined;
  return { type, title, body, conversationId, inviteId };
}

async function announce(payload) {
  const shown = self.registration
    .showNotification(payload.title, { body: payload.body, data: payload, tag: payload.inviteId })
    // Without notification permission the pages still hear about it.
    .catch(() => undefined);
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const page of pages) page.postMessage({ type: PUSH_MESSAGE_TYPE, payload });
  await shown;
}

self.addEventListener('push', (event) => {
  const payload = readPayload(event.data);
  if (!payload) return;
  event.waitUntil(announce(payload));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const conversationId = event.notification.data && event.notification.data.conversationId;
  const url = conversationId ? `/c/${encodeURIComponent(conversationId)}` : '/';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((pages) => {
      const page = pages[0];
      if (page) return page.navigate(url).then((p) => (p ?? page).focus());
      return self.clients.openWindow(url);
    }),
  );
});
