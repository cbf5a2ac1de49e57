import type { Logger } from '@parley/logger';
import { ProviderEvent, type ProviderWebhookReceipt } from '@parley/protocol';
import type { ServiceMetrics } from '@parley/service-kit';
import { WebhookGatewayMetrics } from '../metrics.js';
import { MalformedWebhookError } from '../providers/webhook-errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ProviderEventInbox } from './provider-event-inbox.js';

export interface ReceivedWebhook {
  rawBody: Buffer;
  contentType: string | undefined;
  headers: Readonly<Record<string, string | undefined>>;
  /** Path and query as called, appended to GATEWAY_PUBLIC_URL for providers that sign the URL. */
  path: string;
}

/**
 * A provider webhook: the adapter verifies and normalises it (throwing the webhook errors, which touch
 * nothing), then the inbox stores each event once and queues it. A 2xx therefore means "stored".
 */
export class WebhooksService {
  private readonly received: { inc(labels: { provider: string; outcome: string }): void } | undefined;

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly inbox: ProviderEventInbox,
    private readonly publicUrl: string,
    private readonly logger: Logger,
    metrics?: ServiceMetrics,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.received = metrics?.counter(WebhookGatewayMetrics.providerWebhooks);
  }

  async receive(provider: string, webhook: ReceivedWebhook): Promise<ProviderWebhookReceipt> {
    // A name that is no configured provider is counted under one label value: callers choose the path.
    const label = this.registry.has(provider) ? provider : 'unknown';
    try {
      const receipt = await this.store(provider, webhook);
      this.received?.inc({ provider: label, outcome: 'stored' });
      return receipt;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      this.received?.inc({ provider: label, outcome: typeof code === 'string' ? code : 'error' });
      throw err;
    }
  }

  private async store(provider: string, webhook: ReceivedWebhook): Promise<ProviderWebhookReceipt> {
    const adapter = this.registry.get(provider);
    const events = await adapter.verifyWebhook(
      {
        rawBody: webhook.rawBody,
        contentType: webhook.contentType,
        headers: webhook.headers,
        publicUrl: `${this.publicUrl}${webhook.path}`,
      },
      this.now(),
    );
    // What an adapter made of the body is still input: it must be a provider event of this provider.
    const parsed = ProviderEvent.array().safeParse(events);
    if (!parsed.success || parsed.data.some((event) => event.provider !== adapter.name))
      throw new MalformedWebhookError(`the ${provider} webhook does not describe a call event Parley knows`);
    const receipt = await this.inbox.accept(parsed.data);
    this.logger.info({ provider, ...receipt, types: events.map((e) => e.type) }, 'provider webhook stored');
    return receipt;
  }
}
