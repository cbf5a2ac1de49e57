import { randomBytes } from 'node:crypto';
import { HealthReport } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoApp, type EchoApp } from './fixtures/echo-app.js';

let svc: EchoApp;
let token: string;
const prefix = `ptest:kit-${randomBytes(4).toString('hex')}`;

async function call(
  method: string,
  path: string,
  init: { body?: string | Buffer; headers?: Record<string, string>; token?: string } = {},
) {
  const res = await fetch(`${svc.http.url}${path}`, {
    method,
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

beforeAll(async () => {
  svc = await startEchoApp({ prefix });
  token = await svc.token();
});
afterAll(async () => svc?.close());

describe('createHttpApp', () => {
  it('parses the body, params and query with their schemas and hands the user id to the handler', async () => {
    const created = await call('POST', '/v1/notes', { token, body: JSON.stringify({ text: 'hello' }) });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: '00000000-0000-4000-8000-000000000001', text: 'hello', by: 'user-1' });
    const read = await call('GET', '/v1/notes/00000000-0000-4000-8000-000000000001?limit=3', { token });
    expect(read.json).toMatchObject({ text: 'hello', limit: 3 });
  });

  it('answers bad input with 400 naming each field, never a 5xx', async () => {
    const badBody = await call('POST', '/v1/notes', { token, body: JSON.stringify({ text: 5, extra: 1 }) });
    expect(badBody.status).toBe(400);
    expect(badBody.json.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.extra',
      'body.text',
    ]);
    const badParam = await call('GET', '/v1/notes/not-a-uuid', { token });
    expect(badParam.status).toBe(400);
    expect(badParam.json.issues[0].path).toBe('params.noteId');
    const badQuery = await call('GET', '/v1/notes/00000000-0000-4000-8000-000000000001?limit=99', { token });
    expect(badQuery.status).toBe(400);
    expect(badQuery.json.issues[0].path).toBe('query.limit');
  });

  it('refuses malformed JSON, non-UTF-8 bytes, NUL, lone surrogates, deep nesting and oversize bodies', async () => {
    const cases: Array<[string | Buffer, number, string]> = [
      ['{"text": "unterminated', 400, 'invalid_json'],
      [Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, 'invalid_utf8'],
      [JSON.stringify({ text: 'nul \u0000 here' }), 400, 'invalid_request'],
      ['{"text": "half \\ud83d"}', 400, 'invalid_request'],
      [
        JSON.stringify({ text: 'x', data: JSON.parse('['.repeat(200) + ']'.repeat(200)) }),
        400,
        'invalid_request',
      ],
      [JSON.stringify({ text: 'x'.repeat(5000) }), 413, 'payload_too_large'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call('POST', '/v1/notes', { token, body });
      expect([res.status, res.json?.code], String(body).slice(0, 40)).toEqual([status, code]);
    }
    const nul = await call('POST', '/v1/notes', { token, body: JSON.stringify({ text: 'a\u0000' }) });
    expect(nul.json.issues).toEqual([
      { path: 'body.text', message: 'must not contain the NUL character (U+0000)' },
    ]);
    const query = await call('GET', '/v1/notes/00000000-0000-4000-8000-000000000001?limit=%00', { token });
    expect(query.status).toBe(400);
  });

  it('authenticates every route unless public, checks scopes, and refuses machine tokens where a user is needed', async () => {
    expect((await call('POST', '/v1/notes', { body: '{"text":"x"}' })).status).toBe(401);
    const bogus = await call('POST', '/v1/notes', { token: 'not.a.jwt', body: '{"text":"x"}' });
    expect(bogus.status).toBe(401);
    expect(bogus.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    const noScope = await call('POST', '/v1/notes', { token: await svc.token([]), body: '{"text":"x"}' });
    expect([noScope.status, noScope.json.code]).toEqual([403, 'insufficient_scope']);
    const machine = await call('POST', '/v1/notes', {
      token: await svc.token(['notes.write'], 'client'),
      body: '{"text":"x"}',
    });
    expect(machine.status).toBe(403);
  });

  it('maps domain errors, unknown routes and internal failures to the ErrorBody without leaking details', async () => {
    const missing = await call('GET', '/v1/notes/00000000-0000-4000-8000-000000000009', { token });
    expect(missing.json).toMatchObject({ statusCode: 404, code: 'not_found', message: 'no such note' });
    const route = await call('GET', '/v1/nowhere', { token });
    expect([route.status, route.json.code]).toEqual([404, 'no_route']);
    const boom = await call('GET', '/v1/notes/boom');
    expect(boom.status).toBe(500);
    expect(boom.text).not.toContain('secret internal detail');
    expect(boom.json).toMatchObject({ statusCode: 500, code: 'internal', message: 'internal error' });
  });

  it('gives every request an id, echoing a sane one from the caller', async () => {
    const fresh = await call('GET', '/health/live');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await call('GET', '/health/live', { headers: { 'x-request-id': 'trace-abc.1' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.1');
    const hostile = await call('GET', '/health/live', { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(hostile.headers.get('x-request-id')).not.toBe('x'.repeat(300));
  });

  it('allows only configured origins and sends security headers', async () => {
    const allowed = await call('GET', '/health/live', { headers: { origin: 'http://app.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.example');
    const other = await call('GET', '/health/live', { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(allowed.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('limits credential guessing per address and username with Redis counters shared by every node', async () => {
    const second = await startEchoApp({ prefix, issuer: svc.issuer });
    try {
      const login = (app: EchoApp, username: string) =>
        fetch(`${app.http.url}/v1/notes/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: 'wrong' }),
        });
      const user = `u${randomBytes(3).toString('hex')}`;
      const statuses: number[] = [];
      // Ten tries are allowed per minute; spread over two nodes they still count as one.
      for (let i = 0; i < 12; i++) statuses.push((await login(i % 2 ? second : svc, user)).status);
      expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
      const limited = await login(svc, user);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.json()).toMatchObject({ code: 'rate_limited' });
    } finally {
      await second.close();
    }
  });

  it('serves the OpenAPI 3.1 document with every route, and Swagger UI at /docs', async () => {
    const doc = await call('GET', '/openapi.json');
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths).sort()).toEqual([
      '/health',
      '/health/live',
      '/health/ready',
      '/v1/notes',
      '/v1/notes/boom',
      '/v1/notes/login',
      '/v1/notes/{noteId}',
    ]);
    const create = doc.json.paths['/v1/notes'].post;
    expect(create.security).toEqual([{ bearer: ['notes.write'] }]);
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['text']);
    expect(create.responses['201'].content['application/json'].schema.properties.id.format).toBe('uuid');
    const get = doc.json.paths['/v1/notes/{noteId}'].get;
    expect(get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:noteId',
      'query:limit',
    ]);
    expect(doc.json.paths['/health/live'].get.security).toEqual([]);
    const page = await call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    const bundle = await fetch(`${svc.http.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
  });
});

describe('health', () => {
  it('reports live and ready with the same shape, unready when a critical probe fails', async () => {
    const live = await call('GET', '/health/live');
    expect(live.json).toEqual({ status: 'ok', service: 'echo' });
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({
      status: 'ok',
      service: 'echo',
      checks: { redis: { status: 'up' } },
      details: { answer: 42 },
    });
    // The shape clients parse it with.
    expect(HealthReport.safeParse(ready.json).success).toBe(true);
    const sick = await startEchoApp({ prefix, redisDown: true });
    try {
      const res = await fetch(`${sick.http.url}/health/ready`);
      expect(res.status).toBe(503);
      expect(HealthReport.parse(await res.clone().json()).status).toBe('degraded');
      expect(await res.json()).toMatchObject({
        status: 'degraded',
        checks: { postgres: { status: 'down', error: 'connection refused' } },
      });
      expect((await fetch(`${sick.http.url}/health/live`)).status).toBe(200);
    } finally {
      await sick.close();
    }
  });
});
