import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocateTestNamespace } from '@parley/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDevice } from './support/device.js';
import {
  startMessagingProcess,
  startMessagingUnderTest,
  type MessagingUnderTest,
} from './support/messaging-under-test.js';

let svc: MessagingUnderTest;

beforeAll(async () => {
  // The production limits, not the raised ones the other suites use.
  svc = await startMessagingUnderTest('platform', {
    RATE_LIMIT_LOGIN_PER_MINUTE: '10',
    RATE_LIMIT_LOGIN_PER_MINUTE_PER_ADDRESS: '60',
  });
});
afterAll(async () => svc?.stop());

/** Every route Express has mounted, as OpenAPI paths (`/v1/x/{id}`), except the document's own. */
function mountedRoutes(): string[] {
  const express = svc.running.app.getHttpAdapter().getInstance() as {
    router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  return express.router.stack
    .flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods).map(
            (m) => `${m.toUpperCase()} ${String(layer.route!.path).replace(/:([A-Za-z]+)/g, '{$1}')}`,
          )
        : [],
    )
    // The document itself, its viewer and the Prometheus scrape are served but not part of the API.
    .filter((r) => !/ \/(openapi\.json|docs|metrics$)/.test(r))
    .sort();
}

describe('the API document', () => {
  it('lists every mounted route in /openapi.json, with its input schemas and security', async () => {
    const res = await svc.api.get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as {
      openapi: string;
      paths: Record<string, Record<string, { security: unknown[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const mounted = mountedRoutes();
    expect(mounted.length).toBeGreaterThan(20);
    expect(documented).toEqual(mounted);
    expect(doc.paths['/v1/auth/login']!.post!.security).toEqual([]);
    expect(doc.paths['/v1/conversations/{conversationId}/messages']!.post).toMatchObject({
      security: [{ bearer: ['messages.write'] }],
      requestBody: {
        content: { 'application/json': { schema: { required: ['clientMessageId', 'parts'] } } },
      },
    });
  });

  it('serves Swagger UI at /docs from its own files', async () => {
    const page = await fetch(`${svc.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/docs/swagger-ui-bundle.js');
    expect((await fetch(`${svc.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });
});

describe('security defaults', () => {
  it('answers password guessing with 429 and Retry-After long before thirty tries', async () => {
    const victim = await svc.api.newUser('victim');
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await svc.api.post('/v1/auth/login', undefined, {
        username: victim.username,
        password: `guess-${i}`,
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    const limited = await svc.api.post('/v1/auth/login', undefined, {
      username: victim.username,
      password: 'x',
    });
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user from the same address is not locked out by the first one's guesses.
    const other = await svc.api.newUser('bystander');
    expect(
      (await svc.api.post('/v1/auth/login', undefined, { username: other.username, password: 'wrong' }))
        .status,
    ).toBe(400);
  });

  it('echoes only allowed origins and carries a request id back', async () => {
    const res = await fetch(`${svc.url}/health/live`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const demo = await fetch(`${svc.url}/health/live`, { headers: { origin: 'http://localhost:3000' } });
    expect(demo.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(demo.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('closing', () => {
  it('SIGTERM with devices connected: they get 1001 and the process exits 0 within a few seconds', async () => {
    const ns = allocateTestNamespace('close-ws');
    const { api, service } = await startMessagingProcess(ns);
    try {
      const ann = await api.newUser('ann');
      const devices = await Promise.all([0, 1, 2].map(() => TestDevice.connect(api.baseUrl, ann.token)));
      const started = Date.now();
      const stopped = service.stop(15_000);
      const codes = await Promise.all(devices.map((d) => d.waitForClose(10_000)));
      const exit = await stopped;
      expect(codes).toEqual([1001, 1001, 1001]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await service.stop();
      await ns.cleanup();
    }
  });

  it('SIGTERM during writes on PGlite: after a restart on the same data every acknowledged message is there', async () => {
    const ns = allocateTestNamespace('close-writes');
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-pglite-'));
    // Embedded storage in a directory, as `npm start` runs it.
    const env = { PGLITE_DIR: dataDir, DATABASE_URL: '' };
    let first = await startMessagingProcess(ns, env);
    try {
      const ann = await first.api.newUser('ann');
      const conv = await first.api.post('/v1/conversations', ann.token, { type: 'group', participants: [] });
      const acknowledged: string[] = [];
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          const id = `w-${i}`;
          try {
            const res = await first.api.post(`/v1/conversations/${conv.body.id}/messages`, ann.token, {
              clientMessageId: id,
              parts: [{ mimeType: 'text/plain', body: id }],
            });
            if (res.status === 201 || res.status === 200) acknowledged.push(id);
          } catch {
            return; // the listener is gone: this request was never acknowledged
          }
        }
      })();
      while (acknowledged.length < 20) await new Promise((r) => setImmediate(r));
      const exit = await first.service.stop(15_000);
      writing = false;
      await writer;
      expect(exit.code).toBe(0);

      first = await startMessagingProcess(ns, env);
      const log = await first.api.get(`/v1/conversations/${conv.body.id}/messages?limit=100`, ann.token);
      const stored = (log.body.messages as Array<{ clientMessageId: string }>).map((m) => m.clientMessageId);
      for (const id of acknowledged) expect(stored).toContain(id);
      // Seqs are still gap-free after the restart.
      const events = await first.api.get(`/v1/conversations/${conv.body.id}/events?fromSeq=1`, ann.token);
      const seqs = (events.body.events as Array<{ seq: number }>).map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    } finally {
      await first.service.stop();
      await ns.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000); // two starts of embedded PGlite from disk: slow on a loaded machine
});
