import { describe, expect, it } from 'vitest';
import { AdminClientsApi } from './admin-clients-api.js';
import { ClientCredentialsTokens } from './client-credentials-tokens.js';
import { MessagingUnavailableError, ParleyRequestError } from './errors.js';
import { ServerApiClient } from './server-api-client.js';

const CONVERSATION_ID = '7c2d7c7e-8f1b-4f0e-a0a6-8c3b0d1c9e22';
const client = {
  id: 'crm-1a2b3c4d',
  name: 'crm',
  scopes: ['server.messages'],
  createdAt: '2026-01-01T00:00:00.000Z',
  secretRotatedAt: null,
};

/** Messaging as a list of answers after the token endpoint, recording what was asked. */
function messaging(answers: Array<() => Response>) {
  const seen: Array<{ method: string; url: string; authorization: string | null; body?: string }> = [];
  let issued = 0;
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    if (String(url).endsWith('/oauth/token')) {
      issued += 1;
      return Response.json({
        access_token: `token-${issued}`,
        token_type: 'Bearer',
        expires_in: 900,
        expires_at: Math.floor(Date.now() / 1000) + 900,
        scope: 'admin',
      });
    }
    seen.push({
      method: init?.method ?? 'GET',
      url: String(url),
      authorization: new Headers(init?.headers).get('authorization'),
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    });
    const next = answers.shift();
    if (!next) throw new TypeError('fetch failed');
    return next();
  }) as typeof fetch;
  const options = {
    messagingUrl: 'http://messaging.test',
    tokens: new ClientCredentialsTokens({
      messagingUrl: 'http://messaging.test',
      clientId: 'ops',
      clientSecret: 'secret-0123456789',
      fetch: fetchImpl,
    }),
    fetch: fetchImpl,
  };
  return { admin: new AdminClientsApi(options), server: new ServerApiClient(options), seen };
}

describe('requests as the machine client', () => {
  it('renews a refused token once and parses the answer', async () => {
    const { admin, seen } = messaging([
      () => new Response('{}', { status: 401 }),
      () => Response.json({ client, clientSecret: 's3cret' }, { status: 201 }),
    ]);
    const created = await admin.create({ name: 'crm', scopes: ['server.messages'] });
    expect(created.clientSecret).toBe('s3cret');
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(JSON.parse(seen[1]!.body!)).toEqual({ name: 'crm', scopes: ['server.messages'] });
  });

  it("turns a 4xx into ParleyRequestError with messaging's code and message", async () => {
    const { server } = messaging([
      () =>
        Response.json(
          { statusCode: 404, code: 'not_found', message: 'conversation not found' },
          { status: 404 },
        ),
    ]);
    const err = await server.events(CONVERSATION_ID, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyRequestError);
    expect(err).toMatchObject({ status: 404, code: 'not_found', message: 'conversation not found' });
  });

  it('calls 5xx, a network failure and a body off the schema unavailable', async () => {
    const { admin } = messaging([
      () => new Response('oops', { status: 503 }),
      () => Response.json({ clients: [{ id: 1 }] }),
    ]);
    await expect(admin.list()).rejects.toBeInstanceOf(MessagingUnavailableError);
    await expect(admin.list()).rejects.toBeInstanceOf(MessagingUnavailableError);
    await expect(admin.list()).rejects.toBeInstanceOf(MessagingUnavailableError);
  });

  it('checks a request with its schema before it leaves', async () => {
    const { server, seen } = messaging([]);
    expect(() =>
      server.postMessage(CONVERSATION_ID, {
        clientMessageId: 'x',
        parts: [{ mimeType: 'text/plain', body: 'hi' }],
        bot: { id: 'has space', name: 'B' },
      }),
    ).toThrow();
    expect(seen).toEqual([]);
  });

  it('puts ids into paths encoded and the event range into the query', async () => {
    const { admin, server, seen } = messaging([
      () => new Response(null, { status: 204 }),
      () =>
        Response.json({
          conversationId: CONVERSATION_ID,
          events: [],
          fromSeq: 2,
          toSeq: 3,
          lastSeq: 3,
          nextFromSeq: null,
        }),
    ]);
    await admin.revoke('a/b');
    await server.events(CONVERSATION_ID, 2, 3);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'DELETE http://messaging.test/v1/admin/clients/a%2Fb',
      `GET http://messaging.test/v1/server/conversations/${CONVERSATION_ID}/events?fromSeq=2&toSeq=3`,
    ]);
  });
});
