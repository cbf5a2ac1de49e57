import { NotFoundError } from '@parley/service-kit';
import type { WebhookGatewayConfig } from '../config/config.js';
import { createLiveKitAdapter } from './livekit/livekit-adapter.js';
import { ParleyAdapter } from './parley/parley-adapter.js';
import type { ProviderAdapter } from './provider-adapter.js';
import { createTwilioAdapter } from './twilio/twilio-adapter.js';

export class UnknownProviderError extends NotFoundError {
  override readonly code: string = 'unknown_provider';
}

/**
 * The providers this deployment can use, by name. The built-in one is always there; the others only when
 * all their variables are configured. A provider that is unknown or unconfigured is the same 404.
 */
export class ProviderRegistry {
  private readonly adapters = new Map<string, ProviderAdapter>();

  constructor(adapters: readonly ProviderAdapter[] = []) {
    for (const adapter of adapters) this.register(adapter);
  }

  register(adapter: ProviderAdapter): this {
    if (this.adapters.has(adapter.name)) throw new Error(`provider "${adapter.name}" is registered twice`);
    this.adapters.set(adapter.name, adapter);
    return this;
  }

  has(name: string): boolean {
    return this.adapters.has(name);
  }

  /** Throws UnknownProviderError (404) for a name that is not registered. */
  get(name: string): ProviderAdapter {
    const adapter = this.adapters.get(name);
    if (!adapter) throw new UnknownProviderError(`no provider "${name}" is configured`);
    return adapter;
  }

  names(): string[] {
    return [...this.adapters.keys()];
  }
}

/** Every adapter whose configuration is complete. Adding a provider adds one line here. */
export function createProviderRegistry(
  config: Pick<WebhookGatewayConfig, 'providers' | 'webhooks'>,
): ProviderRegistry {
  const { providers, webhooks } = config;
  const registry = new ProviderRegistry([
    new ParleyAdapter({
      webhookSecret: providers.parley.webhookSecret,
      tokenSecret: providers.parley.tokenSecret,
      replayWindowSeconds: webhooks.replayWindowSeconds,
    }),
  ]);
  if (providers.twilio) {
    const { replayWindowSeconds, publicUrl } = webhooks;
    registry.register(createTwilioAdapter({ ...providers.twilio, publicUrl, replayWindowSeconds }));
  }
  if (providers.livekit) {
    registry.register(
      createLiveKitAdapter({ ...providers.livekit, replayWindowSeconds: webhooks.replayWindowSeconds }),
    );
  }
  return registry;
}
