import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const base = { WEBHOOK_GATEWAY_CLIENT_SECRET: 'a-secret-of-sixteen-chars' };

describe('the gateway configuration', () => {
  it('works with nothing but its client secret: the built-in provider only, defaults everywhere', () => {
    const config = loadConfig(base);
    expect(config.http.port).toBe(3004);
    expect(config.database.schema).toBe('webhook_gateway');
    expect(config.messaging).toMatchObject({ clientId: 'webhook-gateway', url: 'http://127.0.0.1:3001' });
    expect(config.webhooks).toEqual({
      replayWindowSeconds: 300,
      publicUrl: 'http://localhost:3004',
      bodyLimitBytes: 262144,
    });
    expect(config.providers).toMatchObject({ defaultProvider: 'parley', twilio: null, livekit: null });
    expect(config.providers.parley).toEqual({ webhookSecret: undefined, tokenSecret: undefined });
  });

  it('configures Twilio and LiveKit only when all their variables are set', () => {
    const config = loadConfig({
      ...base,
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_API_KEY: 'SK123',
      TWILIO_API_SECRET: 'api-secret',
      TWILIO_AUTH_TOKEN: 'auth-token',
      LIVEKIT_URL: 'wss://livekit.example.com',
      LIVEKIT_API_KEY: 'key',
      LIVEKIT_API_SECRET: 'secret',
    });
    expect(config.providers.twilio).toEqual({
      accountSid: 'AC123',
      apiKey: 'SK123',
      apiSecret: 'api-secret',
      authToken: 'auth-token',
      apiBaseUrl: 'https://video.twilio.com',
    });
    expect(config.providers.livekit).toEqual({
      url: 'wss://livekit.example.com',
      apiKey: 'key',
      apiSecret: 'secret',
    });
  });

  it('stops on a provider configured halfway, naming what is missing', () => {
    expect(() => loadConfig({ ...base, LIVEKIT_URL: 'wss://livekit.example.com' })).toThrow(
      /LIVEKIT_API_KEY, LIVEKIT_API_SECRET/,
    );
  });

  it.each([
    ['WEBHOOK_GATEWAY_CLIENT_SECRET', { WEBHOOK_GATEWAY_CLIENT_SECRET: 'short' }],
    ['PARLEY_PROVIDER_WEBHOOK_SECRET', { ...base, PARLEY_PROVIDER_WEBHOOK_SECRET: 'plain-text' }],
    ['WEBHOOK_REPLAY_WINDOW_SECONDS', { ...base, WEBHOOK_REPLAY_WINDOW_SECONDS: '0' }],
    ['GATEWAY_PUBLIC_URL', { ...base, GATEWAY_PUBLIC_URL: 'not a url' }],
    ['DEFAULT_PROVIDER', { ...base, DEFAULT_PROVIDER: 'Not Valid' }],
  ])('names %s when it is wrong', (variable, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(variable));
  });
});
