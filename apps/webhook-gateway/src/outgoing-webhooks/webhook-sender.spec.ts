import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOutboundFetch, OutboundTargets } from '@parley/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from './webhook-sender.js';

describe('postWebhook', () => {
  let server: Server;
  let port: number;
  let posts = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      posts += 1;
      res.statusCode = req.url === '/ok' ? 204 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('records an internal target it may not reach as the attempt error, sending nothing', async () => {
    const refusing = createOutboundFetch(new OutboundTargets());
    const outcome = await postWebhook(refusing, `http://localhost:${port}/ok`, {}, '{}', 5000);
    expect(outcome).toMatchObject({ ok: false, responseStatus: null });
    expect(outcome.error).toMatch(/^refused: localhost \(127\.0\.0\.1\) is a loopback address/);
    expect(posts).toBe(0);
  });

  it('posts to a listed internal target: a 2xx is a success, anything else the status', async () => {
    const allowing = createOutboundFetch(new OutboundTargets(['127.0.0.1']));
    expect(await postWebhook(allowing, `http://127.0.0.1:${port}/ok`, {}, '{}', 5000)).toMatchObject({
      ok: true,
      responseStatus: 204,
      error: null,
    });
    expect(await postWebhook(allowing, `http://127.0.0.1:${port}/down`, {}, '{}', 5000)).toMatchObject({
      ok: false,
      responseStatus: 503,
      error: 'HTTP 503',
    });
    expect(posts).toBe(2);
  });
});
