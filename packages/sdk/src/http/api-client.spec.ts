import { describe, expect, it } from 'vitest';
import { MeResponse, Message } from '@parley/protocol';
import { ApiClient, Auth, type ApiClientOptions, type FetchLike } from './api-client.js';
import { ParleyApiError } from './api-error.js';
import type { Session } from './session.js';

const USER_ID = '6f1f7f0e-5b1a-4f7e-9c1a-000000000001';
const session: Session = {
  user: { id: USER_ID, username: 'ann', displayName: 'Ann', msisdn: null, createdAt: '2026-01-01T00:00:00Z' },
  tokens: {
    access_token: 'a1',
    token_type: 'Bearer',
    expires_in: 900,
    expires_at: 2_000_000_000,
    refresh_token: 'r1',
    scope: 'messages.read',
  },
};

/** A fetch that answers from a script, one answer per call, and records what was asked. */
function scriptedFetch(...answers: (Response | Error)[]) {
  const calls: { url: string; method: string; auth?: string }[] = [];
  const fetch: FetchLike = async (input, init) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      auth: (init?.headers as Record<string, string> | undefined)?.authorization,
    });
    const next = answers.shift();
    if (!next) throw new Error('no scripted answer left');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const client = (fetch: FetchLike, extra: Partial<ApiClientOptions> = {}) =>
  new ApiClient({ baseUrl: 'http://parley.test/', session: structuredClone(session), fetch, ...extra });

async function rejection(promise: Promise<unknown>): Promise<ParleyApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParleyApiError);
  return err as ParleyApiError;
}

describe('ApiClient', () => {
  it('returns the body as the schema parsed it, typed by the schema', async () => {
    const { fetch, calls } = scriptedFetch(
      json(200, { user: session.user, conversations: [], addedLater: true }),
    );
    const me = await client(fetch).get('/v1/me', MeResponse);
    expect(me).toEqual({ user: session.user, conversations: [] });
    expect(calls).toEqual([{ url: 'http://parley.test/v1/me', method: 'GET', auth: 'Bearer a1' }]);
  });

  it('refuses a body that does not match with a 502 bad_response naming the field', async () => {
    const { fetch } = scriptedFetch(
      json(200, { user: { ...session.user, id: 'not-a-uuid' }, conversations: [] }),
    );
    const err = await rejection(client(fetch).get('/v1/me', MeResponse));
    expect(err).toMatchObject({ status: 502, code: 'bad_response' });
    expect(err.message).toContain('GET /v1/me');
    expect(err.issues).toEqual([expect.objectContaining({ path: 'user.id' })]);
    // Asking again would get the same answer.
    expect(err.retryable).toBe(false);
  });

  it('refuses an answer that is not JSON, or is empty, where a body is expected', async () => {
    const { fetch } = scriptedFetch(
      new Response('<html>proxy</html>', { status: 200 }),
      new Response('', { status: 200 }),
    );
    const api = client(fetch);
    expect(await rejection(api.get('/v1/me', MeResponse))).toMatchObject({
      status: 502,
      code: 'bad_response',
      issues: [{ path: '', message: 'the body is not JSON' }],
    });
    expect((await rejection(api.get('/v1/me', MeResponse))).issues).toEqual([
      { path: '', message: 'the body is empty' },
    ]);
  });

  it('does not read the body of a call whose answer it has no use for', async () => {
    const { fetch } = scriptedFetch(new Response(null, { status: 204 }), json(200, { lastReadSeq: 3 }));
    const api = client(fetch);
    await expect(api.perform('DELETE', '/v1/conversations/x/messages/y')).resolves.toBeUndefined();
    await expect(api.perform('POST', '/v1/conversations/x/read', { seq: 3 })).resolves.toBeUndefined();
  });

  it('carries the server’s status, message, code and issues on an error answer', async () => {
    const { fetch } = scriptedFetch(
      json(400, {
        statusCode: 400,
        error: 'Bad Request',
        message: 'parts.0.body: a text part must not be empty',
        code: 'invalid_request',
        issues: [{ path: 'parts.0.body', message: 'a text part must not be empty' }],
      }),
    );
    const err = await rejection(client(fetch).post('/v1/conversations/x/messages', {}, Message));
    expect(err).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: 'parts.0.body: a text part must not be empty',
      issues: [{ path: 'parts.0.body', message: 'a text part must not be empty' }],
      retryable: false,
    });
  });

  it('keeps what it can of an error that is not a Parley error body', async () => {
    const { fetch } = scriptedFetch(
      new Response('upstream timed out', { status: 504, statusText: 'Gateway Timeout' }),
      json(503, { hint: 'maintenance' }),
    );
    const api = client(fetch);
    expect(await rejection(api.get('/v1/me', MeResponse))).toMatchObject({
      status: 504,
      message: 'upstream timed out',
      code: undefined,
      issues: [],
      retryable: true,
    });
    expect(await rejection(api.get('/v1/me', MeResponse))).toMatchObject({ status: 503, code: undefined });
  });

  it('says status 0 network_error when there is no answer, and reports reachability', async () => {
    const reach: boolean[] = [];
    const { fetch } = scriptedFetch(
      new TypeError('Failed to fetch'),
      json(404, { statusCode: 404, error: 'Not Found', message: 'no such route' }),
    );
    const api = client(fetch, { onReachability: (r) => reach.push(r) });
    expect(await rejection(api.get('/v1/me', MeResponse))).toMatchObject({
      status: 0,
      code: 'network_error',
      retryable: true,
    });
    expect(await rejection(api.get('/v1/me', MeResponse))).toMatchObject({ status: 404 });
    expect(reach).toEqual([false, true]);
  });

  it('renews an expired access token once, checks the new tokens, and retries the call', async () => {
    const renewed = { ...session.tokens, access_token: 'a2', refresh_token: 'r2' };
    const { fetch, calls } = scriptedFetch(
      json(401, { statusCode: 401, error: 'Unauthorized', message: 'token expired', code: 'expired' }),
      json(200, renewed),
      json(200, { user: session.user, conversations: [] }),
    );
    const sessions: Session[] = [];
    const api = client(fetch, { onSessionChange: (s) => sessions.push(s) });
    await expect(api.get('/v1/me', MeResponse)).resolves.toMatchObject({ conversations: [] });
    expect(calls.map((c) => [c.method, new URL(c.url).pathname, c.auth])).toEqual([
      ['GET', '/v1/me', 'Bearer a1'],
      ['POST', '/oauth/token', undefined],
      ['GET', '/v1/me', 'Bearer a2'],
    ]);
    expect(sessions.map((s) => s.tokens.refresh_token)).toEqual(['r2']);
  });

  it('reports an expired session when the refresh token is refused', async () => {
    const expired: ParleyApiError[] = [];
    const { fetch } = scriptedFetch(
      json(401, { statusCode: 401, error: 'Unauthorized', message: 'token expired' }),
      json(400, {
        statusCode: 400,
        error: 'Bad Request',
        message: 'refresh token reused',
        code: 'invalid_grant',
      }),
    );
    const api = client(fetch, { onSessionExpired: (e) => expired.push(e) });
    expect(await rejection(api.get('/v1/me', MeResponse))).toMatchObject({ code: 'invalid_grant' });
    expect(expired.map((e) => e.code)).toEqual(['invalid_grant']);
  });
});

describe('ApiClient with tokens renewed another way (a machine client)', () => {
  const { refresh_token: _none, ...clientTokens } = session.tokens;

  it('asks renewTokens for new tokens on a 401 and retries the call with them', async () => {
    const { fetch, calls } = scriptedFetch(
      json(401, { statusCode: 401, error: 'Unauthorized', message: 'token expired' }),
      json(200, { user: session.user, conversations: [] }),
    );
    let renewals = 0;
    const api = new ApiClient({
      baseUrl: 'http://parley.test',
      session: { tokens: clientTokens },
      fetch,
      renewTokens: async () => ({ ...clientTokens, access_token: `c${++renewals}` }),
    });
    expect(api.canRenew).toBe(true);
    await expect(api.get('/v1/me', MeResponse)).resolves.toMatchObject({ conversations: [] });
    expect(calls.map((c) => c.auth)).toEqual(['Bearer a1', 'Bearer c1']);
  });

  it('passes a 401 through when there is no way to renew', async () => {
    const { fetch, calls } = scriptedFetch(
      json(401, { statusCode: 401, error: 'Unauthorized', message: 'token expired' }),
    );
    const api = new ApiClient({ baseUrl: 'http://parley.test', session: { tokens: clientTokens }, fetch });
    expect(await rejection(api.get('/v1/me', MeResponse))).toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
  });
});

describe('Auth', () => {
  it('asks for a client-credentials token and checks the answer', async () => {
    const { refresh_token: _none, ...clientTokens } = session.tokens;
    const requests: unknown[] = [];
    const fetch: FetchLike = async (_input, init) => {
      requests.push(JSON.parse(String(init?.body)));
      return json(200, clientTokens);
    };
    await expect(
      Auth.clientCredentials('http://parley.test', { clientId: 'proxy', clientSecret: 's3cret' }, fetch),
    ).resolves.toEqual(clientTokens);
    expect(requests).toEqual([
      { grant_type: 'client_credentials', client_id: 'proxy', client_secret: 's3cret' },
    ]);
  });

  it('checks the session it logs in with', async () => {
    const { fetch } = scriptedFetch(json(200, session), json(200, { user: session.user }));
    await expect(Auth.login('http://parley.test', 'ann', 'pw', fetch)).resolves.toEqual(session);
    expect(await rejection(Auth.login('http://parley.test', 'ann', 'pw', fetch))).toMatchObject({
      code: 'bad_response',
      issues: [expect.objectContaining({ path: 'tokens' })],
    });
  });
});
