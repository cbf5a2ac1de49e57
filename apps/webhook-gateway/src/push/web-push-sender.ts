import type { PushNotificationPayload } from '@parley/protocol';
import { OUTBOUND_REFUSED, type OutboundFetch } from '@parley/service-kit';
import webpush from 'web-push';
import type { VapidKeys } from './vapid-keys.js';

/** One browser's subscription, as stored. */
export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** What the push service said about one notification. */
export type PushOutcome =
  | { kind: 'accepted'; status: number }
  /** 404/410: the subscription expired or was unsubscribed; it will never work again. */
  | { kind: 'gone'; status: number }
  /** Anything else (5xx, 429, a network error, a 4xx about this request): worth trying again later. */
  | { kind: 'failed'; error: string };

export interface PushSender {
  send(target: PushTarget, payload: PushNotificationPayload): Promise<PushOutcome>;
}

/**
 * Encrypts with `web-push` (aes128gcm, RFC 8291) and signs the VAPID JWT (RFC 8292), then posts the request
 * itself: the library's own sender speaks https only, while the contract also allows plain-http push
 * services (a self-hosted one on a private network).
 */
export class WebPushSender implements PushSender {
  constructor(
    private readonly vapid: VapidKeys & { subject: string },
    private readonly ttlSeconds: number,
    /** Refuses internal push services that are not listed: the endpoint is whatever a browser sent. */
    private readonly outboundFetch: OutboundFetch,
  ) {}

  async send(target: PushTarget, payload: PushNotificationPayload): Promise<PushOutcome> {
    const request = webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      JSON.stringify(payload),
      {
        vapidDetails: this.vapid,
        TTL: this.ttlSeconds,
        contentEncoding: 'aes128gcm',
        urgency: 'high',
      },
    );
    let res: Awaited<ReturnType<OutboundFetch>>;
    try {
      res = await this.outboundFetch(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown; message?: string } }).cause;
      if (cause?.code === OUTBOUND_REFUSED)
        return { kind: 'failed', error: cause.message ?? OUTBOUND_REFUSED };
      return { kind: 'failed', error: `push service unreachable: ${(err as Error).message}` };
    }
    const text = await res.text().catch(() => '');
    if (res.status === 404 || res.status === 410) return { kind: 'gone', status: res.status };
    if (res.ok) return { kind: 'accepted', status: res.status };
    return { kind: 'failed', error: `push service answered ${res.status} ${text.slice(0, 200)}`.trim() };
  }
}
