import { describe, expect, it } from 'vitest';
import { webConfigFromEnv } from './server-config.mjs';

describe('/config.json', () => {
  it('offers the demo users only when messaging seeds them (SEED_DEMO_USERS=true)', () => {
    expect(webConfigFromEnv({ SEED_DEMO_USERS: 'true' }).demoUsers).toBe(true);
    expect(webConfigFromEnv({ SEED_DEMO_USERS: 'false' }).demoUsers).toBe(false);
    expect(webConfigFromEnv({}).demoUsers).toBe(false);
    expect(webConfigFromEnv({ SEED_DEMO_USERS: 'yes' }).demoUsers).toBe(false);
  });

  it('points the client at the public URLs it is given, and hides services without one', () => {
    const config = webConfigFromEnv({
      MESSAGING_PUBLIC_URL: 'https://chat.example.com',
      TERMINAL_PUBLIC_URL: 'wss://chat.example.com',
      VOICE_PROXY_PUBLIC_URL: '',
    });
    expect(config).toEqual({
      messagingUrl: 'https://chat.example.com',
      terminalUrl: 'wss://chat.example.com',
      voiceProxyUrl: null,
      gatewayUrl: null,
      demoUsers: false,
    });
  });
});
