import { describe, expect, it } from 'vitest';
import { ClientCredentialsTokens } from './client-credentials-tokens.js';
import { MessagingUnavailableError } from './errors.js';

function tokenServer(lifetimeSeconds: number, now: () => number) {
  const requests: unknown[] = [];
  let issued = 0;
  const fetchImpl = (async (_url: unknown, init?: RequestInit) => {
    requests.push(JSON.parse(String(init?.body)));
    issued += 1;
    const body = {
      access_token: `token-${issued}`,
      token_type: 'Bearer',
      expires_in: lifetimeSeconds,
      expires_at: Math.floor(now() / 1000) + lifetimeSeconds,
      scope: 'voice.proxy',
    };
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { requests, fetchImpl };
}

describe('ClientCredentialsTokens', () => {
  it('is asked for with client credentials, kept, and renewed a minute before it expires', async () => {
    let now = 1_700_000_000_000;
    const server = tokenServer(900, () => now);
    const tokens = new ClientCredentialsTokens({
      messagingUrl: 'http://messaging.test',
      clientId: 'voice-proxy',
      clientSecret: 'secret-0123456789',
      now: () => now,
      fetch: server.fetchImpl,
    });
    const [first, concurrent] = await Promise.all([tokens.token(), tokens.token()]);
    expect([first, concurrent]).toEqual(['token-1', 'token-1']);
    expect(server.requests).toEqual([
      { grant_type: 'client_credentials', client_id: 'voice-proxy', client_secret: 'secret-0123456789' },
    ]);
    now += 830_000;
    expect(await tokens.token()).toBe('token-1');
    now += 20_000; // 60 s before expiry
    expect(await tokens.token()).toBe('token-2');
    tokens.invalidate();
    expect(await tokens.token()).toBe('token-3');
  });

  it('a refused client or an unreachable messaging is a MessagingUnavailableError', async () => {
    const refused = new ClientCredentialsTokens({
      messagingUrl: 'http://messaging.test',
      clientId: 'voice-proxy',
      clientSecret: 'wrong-secret-0123456789',
      fetch: (async () => new Response('{}', { status: 401 })) as typeof fetch,
    });
    await expect(refused.token()).rejects.toThrow(/OAUTH_CLIENTS/);
    const down = new ClientCredentialsTokens({
      messagingUrl: 'http://messaging.test',
      clientId: 'voice-proxy',
      clientSecret: 'secret-0123456789',
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    await expect(down.token()).rejects.toThrow(MessagingUnavailableError);
  });
});

describe('ClientCredentialsTokens, answers it cannot use', () => {
  it('a body that is not a token response is a MessagingUnavailableError', async () => {
    for (const body of ['not json', '{"access_token":"t"}']) {
      const tokens = new ClientCredentialsTokens({
        messagingUrl: 'http://messaging.test',
        clientId: 'voice-proxy',
        clientSecret: 'secret-0123456789',
        fetch: (async () => new Response(body, { status: 200 })) as typeof fetch,
      });
      await expect(tokens.token()).rejects.toThrow(/unexpected body/);
    }
  });
});
