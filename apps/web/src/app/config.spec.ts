import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from './config';

function serveConfig(body: unknown) {
  vi.stubGlobal(
    'fetch',
    vi.fn(
      async () => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }),
    ),
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('loadConfig', () => {
  it('hides the demo users when the server says it has none', async () => {
    serveConfig({ messagingUrl: 'https://chat.example.com/', demoUsers: false });
    expect(await loadConfig()).toMatchObject({ messagingUrl: 'https://chat.example.com', demoUsers: false });
  });

  it('offers the demo users when the server has them', async () => {
    serveConfig({ messagingUrl: 'http://localhost:3001', demoUsers: true });
    expect((await loadConfig()).demoUsers).toBe(true);
  });

  it('keeps offering them for a server that does not say (an older web server)', async () => {
    serveConfig({ messagingUrl: 'http://localhost:3001' });
    expect((await loadConfig()).demoUsers).toBe(true);
  });

  it('falls back to the local defaults, demo users included, without a config server', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('fetch failed');
      }),
    );
    expect(await loadConfig()).toEqual({
      messagingUrl: 'http://localhost:3001',
      terminalUrl: 'ws://localhost:3002',
      voiceProxyUrl: null,
      gatewayUrl: null,
      demoUsers: true,
    });
  });
});
