import type { SendVoiceSignalRequest } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ClientCredentialsTokens } from './client-credentials-tokens.js';
import { MessagingUnavailableError, SignalRefusedError } from './errors.js';
import { MessagingServerClient } from './messaging-server-client.js';

const USER_ID = '0b8f4a57-3f3c-4a86-9a53-0d5c7a2f1e11';
const CONVERSATION_ID = '7c2d7c7e-8f1b-4f0e-a0a6-8c3b0d1c9e22';
const CALL_ID = '5d0f9a1e-2b3c-4d5e-8f60-718293a4b5c6';

interface Seen {
  url: string;
  method: string;
  authorization: string | null;
}

/** Messaging as a list of answers: the token endpoint issues token-1, token-2…; other paths take `answers` in turn. */
function messaging(answers: Array<() => Response>) {
  const seen: Seen[] = [];
  let issued = 0;
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    const href = String(url);
    if (href.endsWith('/oauth/token')) {
      issued += 1;
      return Response.json({
        access_token: `token-${issued}`,
        token_type: 'Bearer',
        expires_in: 900,
        expires_at: Math.floor(Date.now() / 1000) + 900,
        scope: 'voice.proxy',
      });
    }
    seen.push({
      url: href,
      method: init?.method ?? 'GET',
      authorization: new Headers(init?.headers).get('authorization'),
    });
    const next = answers.shift();
    if (!next) throw new TypeError('fetch failed');
    return next();
  }) as typeof fetch;
  const tokens = new ClientCredentialsTokens({
    messagingUrl: 'http://messaging.test',
    clientId: 'webhook-gateway',
    clientSecret: 'secret-0123456789',
    fetch: fetchImpl,
  });
  const client = new MessagingServerClient({
    messagingUrl: 'http://messaging.test',
    tokens,
    fetch: fetchImpl,
  });
  return { client, seen };
}

const ring: SendVoiceSignalRequest = { kind: 'setup', to: USER_ID, cid: CONVERSATION_ID, call_id: CALL_ID };

function sentSignal(request: SendVoiceSignalRequest) {
  return {
    delivered: true,
    signal: {
      id: '9e1c2b3a-4d5e-4f60-8a7b-1c2d3e4f5a6b',
      kind: request.kind,
      iss: 'webhook-gateway',
      issKind: 'client',
      to: request.to,
      toKind: 'user',
      cid: request.cid,
      call_id: request.call_id,
      sentAt: new Date().toISOString(),
    },
  };
}

describe('MessagingServerClient.sendSignal', () => {
  it('sends as the machine client and renews a refused token once', async () => {
    const { client, seen } = messaging([
      () => new Response('{}', { status: 401 }),
      () => Response.json(sentSignal(ring), { status: 201 }),
    ]);
    const sent = await client.sendSignal(ring);
    expect(sent.delivered).toBe(true);
    expect(seen.map((s) => [s.method, s.url, s.authorization])).toEqual([
      ['POST', 'http://messaging.test/v1/voice/signals', 'Bearer token-1'],
      ['POST', 'http://messaging.test/v1/voice/signals', 'Bearer token-2'],
    ]);
  });

  it('a second 401 in a row is not retried again', async () => {
    const { client, seen } = messaging([
      () => new Response('{}', { status: 401 }),
      () => new Response('{"code":"invalid_token"}', { status: 401 }),
    ]);
    await expect(client.sendSignal(ring)).rejects.toMatchObject({ name: 'SignalRefusedError', status: 401 });
    expect(seen).toHaveLength(2);
  });

  it('a 4xx is a SignalRefusedError with its status; 408, 429 and 5xx are MessagingUnavailableError', async () => {
    const refused = messaging([() => new Response('{"code":"unknown_recipient"}', { status: 404 })]);
    const err = await refused.client.sendSignal(ring).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignalRefusedError);
    expect((err as SignalRefusedError).status).toBe(404);
    expect((err as Error).message).toContain('unknown_recipient');
    for (const status of [408, 429, 500, 503]) {
      const { client } = messaging([() => new Response('', { status })]);
      await expect(client.sendSignal(ring)).rejects.toThrow(MessagingUnavailableError);
    }
  });

  it('an unexpected body or an unreachable messaging is a MessagingUnavailableError', async () => {
    const odd = messaging([() => Response.json({ delivered: 'yes' }, { status: 201 })]);
    await expect(odd.client.sendSignal(ring)).rejects.toThrow(/unexpected body/);
    const down = messaging([]);
    await expect(down.client.sendSignal(ring)).rejects.toThrow(MessagingUnavailableError);
  });

  it('refuses to send a request that is not a valid signal, before any network call', async () => {
    const { client, seen } = messaging([]);
    await expect(client.sendSignal({ ...ring, to: 'not an identity' })).rejects.toThrow();
    expect(seen).toEqual([]);
  });
});

describe('MessagingServerClient reads as the caller', () => {
  it('forwards the caller’s Authorization header and answers null for a conversation it may not see', async () => {
    const { client, seen } = messaging([
      () => new Response('{}', { status: 404 }),
      () => new Response('{}', { status: 403 }),
    ]);
    expect(await client.conversationAs('Bearer user-token', CONVERSATION_ID)).toBeNull();
    expect(await client.conversationAs('Bearer user-token', CONVERSATION_ID)).toBeNull();
    expect(seen[0]).toEqual({
      url: `http://messaging.test/v1/conversations/${CONVERSATION_ID}`,
      method: 'GET',
      authorization: 'Bearer user-token',
    });
  });

  it('answers null for an unknown user, and MessagingUnavailableError for a 5xx or an unexpected body', async () => {
    const { client } = messaging([
      () => new Response('{}', { status: 404 }),
      () => new Response('', { status: 502 }),
      () => Response.json({ id: USER_ID }),
      () => new Response('<html>', { status: 200 }),
    ]);
    expect(await client.userAs('Bearer user-token', USER_ID)).toBeNull();
    await expect(client.userAs('Bearer user-token', USER_ID)).rejects.toThrow(/HTTP 502/);
    await expect(client.userAs('Bearer user-token', USER_ID)).rejects.toThrow(/unexpected body/);
    await expect(client.conversationAs('Bearer user-token', CONVERSATION_ID)).rejects.toThrow(
      MessagingUnavailableError,
    );
  });

  it('escapes ids in the path', async () => {
    const { client, seen } = messaging([() => new Response('{}', { status: 404 })]);
    await client.userAs('Bearer user-token', 'a/b?c');
    expect(seen[0]!.url).toBe('http://messaging.test/v1/users/a%2Fb%3Fc');
  });
});
