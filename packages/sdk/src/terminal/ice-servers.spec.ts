import { describe, expect, it } from 'vitest';
import { coreIceServers, iceServersUrl } from './ice-servers.js';

describe('iceServersUrl', () => {
  it.each([
    ['ws://localhost:3002', 'http://localhost:3002/v1/ice-servers'],
    ['wss://calls.example.com/v1/terminal', 'https://calls.example.com/v1/ice-servers'],
    ['wss://example.com/core/', 'https://example.com/core/v1/ice-servers'],
  ])('%s → %s', (ws, http) => expect(iceServersUrl(ws)).toBe(http));
});

function fakeFetch(responses: Array<{ status: number; body: unknown }>) {
  const calls: Array<{ url: string; auth: string | null }> = [];
  const fetch = (async (url: string, init?: RequestInit) => {
    calls.push({ url, auth: new Headers(init?.headers).get('authorization') });
    const next = responses.shift() ?? { status: 500, body: {} };
    return new Response(JSON.stringify(next.body), { status: next.status });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const turn = (expiresAt: string) => ({
  iceServers: [
    { urls: ['stun:stun.example.com:3478'] },
    { urls: ['turn:turn.example.com:3478?transport=udp'], username: '1700000000:u1', credential: 'c2VjcmV0' },
  ],
  ttlSeconds: 3600,
  expiresAt,
});

describe('coreIceServers', () => {
  it('fetches with the bearer token and reuses the answer until shortly before the credentials expire', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { fetch, calls } = fakeFetch([
      { status: 200, body: turn('2026-01-01T01:00:00Z') },
      { status: 200, body: turn('2026-01-01T02:00:00Z') },
    ]);
    const servers = coreIceServers({
      url: 'ws://core:3002',
      accessToken: () => 'tok',
      fetch,
      now: () => now,
    });
    expect((await servers())?.[1]?.username).toBe('1700000000:u1');
    await servers();
    expect(calls).toEqual([{ url: 'http://core:3002/v1/ice-servers', auth: 'Bearer tok' }]);
    now += 59 * 60_000 + 1; // inside the last minute: fetch fresh credentials
    await servers();
    expect(calls).toHaveLength(2);
  });

  it('a refused or malformed answer gives undefined (the configured servers apply) and is retried', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 401, body: { error: 'Unauthorized' } },
      { status: 200, body: { iceServers: 'nope' } },
      { status: 200, body: turn('2099-01-01T00:00:00Z') },
    ]);
    const servers = coreIceServers({ url: 'ws://core:3002', accessToken: () => 'tok', fetch });
    expect(await servers()).toBeUndefined();
    expect(await servers()).toBeUndefined();
    expect(await servers()).toHaveLength(2);
    expect(calls).toHaveLength(3);
  });
});
