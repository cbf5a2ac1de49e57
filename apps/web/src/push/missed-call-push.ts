import type { Messenger } from '@parley/sdk';
import type { PushNotificationPayload, PushSubscriptionRecord } from '@parley/protocol';

/** What sw.js posts to open pages for each push it shows. */
export const PUSH_MESSAGE_TYPE = 'parley.push';
export const SERVICE_WORKER_URL = '/sw.js';

export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** Registers sw.js (once per page) and waits until it is active. */
export async function serviceWorkerRegistration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register(SERVICE_WORKER_URL);
  return navigator.serviceWorker.ready;
}

/** Subscribes this browser with the gateway's VAPID key and registers it for the user. */
export async function subscribeMissedCalls(messenger: Messenger): Promise<PushSubscriptionRecord> {
  const registration = await serviceWorkerRegistration();
  return messenger.push.subscribeThisDevice({
    pushManager: {
      // The DOM typings take only ArrayBuffer-backed keys: the SDK's bytes are copied into one.
      subscribe: ({ userVisibleOnly, applicationServerKey }) =>
        registration.pushManager.subscribe({
          userVisibleOnly,
          applicationServerKey:
            typeof applicationServerKey === 'string'
              ? applicationServerKey
              : new Uint8Array(applicationServerKey),
        }),
    },
  });
}

export async function unsubscribeMissedCalls(
  messenger: Messenger,
  record: PushSubscriptionRecord,
): Promise<void> {
  await messenger.push.unsubscribe(record.id);
  const registration = await navigator.serviceWorker.getRegistration(SERVICE_WORKER_URL);
  const subscription = await registration?.pushManager.getSubscription();
  await subscription?.unsubscribe();
}

/** A message from sw.js, checked: anything else posted to the page is ignored. */
export function pushFromServiceWorker(data: unknown): PushNotificationPayload | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { type, payload } = data as { type?: unknown; payload?: unknown };
  if (type !== PUSH_MESSAGE_TYPE || typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Partial<Record<keyof PushNotificationPayload, unknown>>;
  if (p.type !== 'video.missed') return undefined;
  if (typeof p.title !== 'string' || typeof p.body !== 'string') return undefined;
  if (typeof p.conversationId !== 'string' || typeof p.inviteId !== 'string') return undefined;
  return {
    type: p.type,
    title: p.title,
    body: p.body,
    conversationId: p.conversationId,
    inviteId: p.inviteId,
  };
}
