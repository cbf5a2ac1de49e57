import type { ProviderEvent } from '@parley/protocol';
import type { InboundWebhook } from '../../src/providers/provider-adapter.js';
import {
  MalformedWebhookError,
  StaleWebhookError,
  UnsupportedWebhookContentTypeError,
  WebhookSignatureError,
} from '../../src/providers/webhook-errors.js';
import { listenRecording, sendJson, type RecordedProviderRequest } from './http-json.js';

/** What the catcher did with one webhook: the events, or the error the adapter threw. */
export type CaughtWebhook =
  { webhook: InboundWebhook; events: ProviderEvent[] } | { webhook: InboundWebhook; error: Error };

export interface WebhookCatcher {
  /** Base URL; every path on it is a webhook endpoint, and its full URL is the webhook's `publicUrl`. */
  readonly url: string;
  readonly caught: CaughtWebhook[];
  close(): Promise<void>;
}

function statusOf(error: Error): number {
  if (error instanceof WebhookSignatureError || error instanceof StaleWebhookError) return 401;
  if (error instanceof MalformedWebhookError) return 400;
  if (error instanceof UnsupportedWebhookContentTypeError) return 415;
  return 500;
}

/**
 * A receiving end for provider webhooks without the gateway: passes each POST to `verify` (an adapter's
 * `verifyWebhook`) exactly as it arrived and answers 200 with the events, or the webhook error's status
 * with its class name.
 */
export async function startWebhookCatcher(
  verify: (webhook: InboundWebhook, now: Date) => Promise<ProviderEvent[]>,
  clock: () => Date = () => new Date(),
): Promise<WebhookCatcher> {
  const requests: RecordedProviderRequest[] = [];
  const caught: CaughtWebhook[] = [];
  let baseUrl = '';
  const http = await listenRecording(requests, (request, response) => {
    const webhook: InboundWebhook = {
      rawBody: Buffer.from(request.body, 'utf8'),
      contentType: request.headers['content-type']?.split(';')[0]?.trim().toLowerCase(),
      headers: request.headers,
      publicUrl: `${baseUrl}${request.path}`,
    };
    verify(webhook, clock()).then(
      (events) => {
        caught.push({ webhook, events });
        sendJson(response, 200, { events });
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        caught.push({ webhook, error: failure });
        sendJson(response, statusOf(failure), { error: failure.constructor.name, message: failure.message });
      },
    );
  });
  baseUrl = http.url;
  return { url: http.url, caught, close: http.close };
}
