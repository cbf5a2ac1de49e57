import { PushSubscriptionRecord, PushSubscriptionRequest, VapidPublicKey } from '@parley/protocol';
import { ParleyApiError } from '../http/api-error.js';
import { describeIssues } from '../http/response-schema.js';
import { pathSegment, type GatewayClient } from '../gateway/gateway-client.js';

/** The part of a browser's ServiceWorkerRegistration that push needs. */
export interface PushRegistrationLike {
  pushManager: {
    subscribe(options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array | string }): Promise<{
      toJSON(): unknown;
    }>;
  };
}

// The protocol defines the record but not the `{ subscriptions }` envelope of the list.
const SubscriptionList = VapidPublicKey.pick({}).extend({ subscriptions: PushSubscriptionRecord.array() });

/**
 * Web push through the webhook gateway: this device's browser subscription, registered for this user, so a
 * missed video call reaches them while no Parley page is open.
 */
export class Push {
  /** @internal Made by a Messenger (`messenger.push`). */
  constructor(private readonly gateway: GatewayClient) {}

  /** The application server (VAPID) public key, base64url, that browsers subscribe with. */
  async vapidPublicKey(): Promise<string> {
    const res = await this.gateway.request(
      'push.vapidPublicKey()',
      'GET',
      '/v1/push/vapid-public-key',
      VapidPublicKey,
    );
    return res.publicKey;
  }

  /**
   * Registers a browser subscription (`PushSubscription.toJSON()`) for this user. It is checked against the
   * protocol first: a subscription without an endpoint or keys is a ParleyApiError 400 and is not sent.
   */
  async subscribe(subscription: unknown): Promise<PushSubscriptionRecord> {
    const parsed = PushSubscriptionRequest.safeParse(withoutUndefined(subscription));
    if (!parsed.success) {
      const issues = describeIssues(parsed.error.issues);
      throw new ParleyApiError(
        400,
        `not a push subscription: ${issues[0]?.path ?? ''} ${issues[0]?.message ?? ''}`.trim(),
        'validation_failed',
        issues,
      );
    }
    return this.gateway.request(
      'push.subscribe()',
      'POST',
      '/v1/push/subscriptions',
      PushSubscriptionRecord,
      parsed.data,
    );
  }

  /** This user's registered subscriptions (every browser they subscribed). */
  async subscriptions(): Promise<PushSubscriptionRecord[]> {
    const res = await this.gateway.request(
      'push.subscriptions()',
      'GET',
      '/v1/push/subscriptions',
      SubscriptionList,
    );
    return res.subscriptions;
  }

  /** Stops pushes to one registered subscription. */
  unsubscribe(id: string): Promise<void> {
    return this.gateway.perform('push.unsubscribe()', 'DELETE', `/v1/push/subscriptions/${pathSegment(id)}`);
  }

  /**
   * In a browser: subscribes this device's service worker registration with the gateway's VAPID key (pushes
   * the user sees, as browsers require) and registers the subscription for this user.
   */
  async subscribeThisDevice(registration: PushRegistrationLike): Promise<PushSubscriptionRecord> {
    const applicationServerKey = base64UrlToBytes(await this.vapidPublicKey());
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey,
    });
    return this.subscribe(subscription.toJSON());
  }
}

/** `toJSON()` of some browsers carries `expirationTime: undefined`-like gaps; the strict schema takes only keys it knows. */
function withoutUndefined(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** The VAPID key as the bytes `pushManager.subscribe` takes (a string key is not accepted by every browser). */
export function base64UrlToBytes(key: string): Uint8Array {
  const base64 = key
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(key.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
