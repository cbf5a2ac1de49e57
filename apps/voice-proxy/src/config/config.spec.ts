import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('voice-proxy configuration', () => {
  it('needs the client secret and names it when missing', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/VOICE_PROXY_CLIENT_SECRET/);
  });

  it('has defaults for the rest and reads the operators as a list', () => {
    const config = loadConfig({
      VOICE_PROXY_CLIENT_SECRET: 'secret-0123456789',
      SUPPORT_OPERATORS: ' bob, carol ,,',
      MESSAGING_URL: 'http://messaging:3001/',
    });
    expect(config.http.port).toBe(3003);
    expect(config.database.schema).toBe('voice_proxy');
    expect(config.messaging).toEqual({
      url: 'http://messaging:3001',
      clientId: 'voice-proxy',
      clientSecret: 'secret-0123456789',
    });
    expect(config.calls).toMatchObject({ ringTimeoutMs: 30_000, operatorUsernames: ['bob', 'carol'] });
    expect(loadConfig({ VOICE_PROXY_CLIENT_SECRET: 'secret-0123456789' }).calls.operatorUsernames).toEqual(
      [],
    );
  });

  it('refuses a ring timeout that is not a number, naming the variable', () => {
    expect(() =>
      loadConfig({ VOICE_PROXY_CLIENT_SECRET: 'secret-0123456789', VOICE_RING_TIMEOUT_MS: 'soon' }),
    ).toThrow(/VOICE_RING_TIMEOUT_MS/);
  });
});
