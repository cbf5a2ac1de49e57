import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenIssuer } from '@parley/auth';
import { eventually } from '@parley/testing';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import { uniqueUsername } from './support/api-client.js';

const CLIENT_SECRET = 'proxy-secret-0123456789abcdef';
let svc: MessagingUnderTest;

beforeAll(async () => {
  svc = await startMessagingUnderTest('identity', {
    OAUTH_CLIENTS: JSON.stringify([
      { id: 'voice-proxy', secret: CLIENT_SECRET, scopes: ['voice.proxy', 'messages.write'] },
    ]),
  });
});
afterAll(async () => svc?.stop());

describe('sign-up, login and tokens', () => {
  it('signs a user up and returns tokens that open GET /v1/me', async () => {
    const username = uniqueUsername('ann');
    const res = await svc.api.post('/v1/auth/signup', undefined, {
      username,
      password: 'long enough pw',
      displayName: 'Ann',
      msisdn: '+4791234567',
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ username, displayName: 'Ann', msisdn: '+4791234567' });
    const me = await svc.api.get('/v1/me', res.body.tokens.access_token);
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(res.body.user.id);
    expect(me.body.conversations).toEqual([]);
  });

  it('refuses a taken username with 409', async () => {
    const username = uniqueUsername('dup');
    await svc.api.signUp(username);
    const res = await svc.api.post('/v1/auth/signup', undefined, { username, password: 'another password' });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/username is taken/);
  });

  it('logs in with the password grant and refuses a wrong password without saying which part was wrong', async () => {
    const user = await svc.api.newUser('pat');
    const ok = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'password',
      username: user.username,
      password: 'correct horse battery',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', scope: expect.stringContaining('messages.write') });
    const bad = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'password',
      username: user.username,
      password: 'nope',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_grant');
    const unknown = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'password',
      username: 'nobody-here',
      password: 'nope',
    });
    expect(unknown.body.message).toBe(bad.body.message);
  });

  it('accepts the form-encoded body OAuth2 clients send', async () => {
    const res = await svc.api.request('POST', '/oauth/token', {
      rawBody: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'voice-proxy',
        client_secret: CLIENT_SECRET,
      }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
    expect(res.body.scope.split(' ').sort()).toEqual(['messages.write', 'voice.proxy']);
    expect(res.body.refresh_token).toBeUndefined();
  });

  it('narrows client scopes on request and refuses scopes the client does not have', async () => {
    const narrowed = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'client_credentials',
      client_id: 'voice-proxy',
      client_secret: CLIENT_SECRET,
      scope: 'voice.proxy',
    });
    expect(narrowed.body.scope).toBe('voice.proxy');
    const refused = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'client_credentials',
      client_id: 'voice-proxy',
      client_secret: CLIENT_SECRET,
      scope: 'admin',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('invalid_scope');
  });

  it('answers a wrong client secret with 401 invalid_client', async () => {
    const res = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'client_credentials',
      client_id: 'voice-proxy',
      client_secret: 'wrong-secret-value',
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_client');
  });

  it('rotates refresh tokens: each works exactly once', async () => {
    const user = await svc.api.newUser('ref');
    const first = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'refresh_token',
      refresh_token: user.refreshToken,
    });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(user.refreshToken);
    const replay = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'refresh_token',
      refresh_token: user.refreshToken,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('invalid_grant');
  });

  it('publishes a JWKS with public keys only', async () => {
    const res = await svc.api.get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) expect(key.d).toBeUndefined();
  });

  it('keeps a machine client out of user routes', async () => {
    const client = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'client_credentials',
      client_id: 'voice-proxy',
      client_secret: CLIENT_SECRET,
    });
    const res = await svc.api.post('/v1/conversations', client.body.access_token, {
      type: 'group',
      participants: [],
    });
    expect(res.status).toBe(403);
  });
});

describe('tokens that must be refused', () => {
  it('answers a missing token with 401 and a WWW-Authenticate header', async () => {
    const res = await svc.api.get('/v1/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
  });

  it('refuses a forged token signed by another key', async () => {
    const forger = await TokenIssuer.create({
      issuer: 'parley-messaging',
      audience: 'parley',
      accessTokenTtlSeconds: 60,
    });
    const user = await svc.api.newUser('vic');
    const forged = await forger.issueAccessToken({
      subject: user.id,
      kind: 'user',
      scopes: ['messages.read'],
    });
    const res = await svc.api.get('/v1/me', forged.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it('refuses an expired token', async () => {
    const user = await svc.api.newUser('exp');
    const short = await svc.running.infra.issuer.issueAccessToken({
      subject: user.id,
      kind: 'user',
      scopes: ['messages.read'],
      ttlSeconds: 1,
    });
    const res = await eventually(async () => {
      const me = await svc.api.get('/v1/me', short.accessToken);
      return me.status === 200 ? undefined : me;
    }, 'the one-second token to be refused');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('expired_token');
  });

  it('refuses a garbage token', async () => {
    const res = await svc.api.get('/v1/me', 'not.a.jwt');
    expect(res.status).toBe(401);
  });

  it('answers a token without the needed scope with 403', async () => {
    const user = await svc.api.newUser('scp');
    const readOnly = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'password',
      username: user.username,
      password: 'correct horse battery',
      scope: 'messages.read',
    });
    const res = await svc.api.post('/v1/conversations', readOnly.body.access_token, {
      type: 'group',
      participants: [],
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
  });
});

describe('malformed requests', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await svc.api.request('POST', '/v1/auth/signup', { rawBody: '{"username": "x",' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_json');
  });

  it('names an unknown field', async () => {
    const res = await svc.api.post('/v1/auth/signup', undefined, {
      username: uniqueUsername('unk'),
      password: 'long enough pw',
      isAdmin: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: 'body.isAdmin', message: 'unknown field' }]);
  });

  it('names a field of the wrong type', async () => {
    const res = await svc.api.post('/v1/auth/signup', undefined, {
      username: 42,
      password: 'long enough pw',
    });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('body.username');
  });

  it('answers an oversize body with 413', async () => {
    const res = await svc.api.post('/v1/auth/signup', undefined, {
      username: 'big',
      password: 'x'.repeat(600 * 1024),
    });
    expect(res.status).toBe(413);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await svc.api.get('/v1/nowhere', undefined);
    expect(res.status).toBe(404);
  });

  it('reports health of PostgreSQL and Redis, live and ready', async () => {
    const res = await svc.api.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      service: 'messaging',
      checks: { postgres: { status: 'up' }, redis: { status: 'up' } },
      details: { pendingOutbox: expect.any(Number), connectedDevices: expect.any(Number) },
    });
    expect((await svc.api.get('/health')).body.status).toBe('ok');
    expect((await svc.api.get('/health/live')).body).toEqual({ status: 'ok', service: 'messaging' });
  });
});
