// GET /metrics of a running messaging service: the counters and gauges a dashboard reads move with what
// the service does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, scrapeMetrics } from '@parley/testing';
import type { TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';

let svc: MessagingUnderTest;
let ann: TestUser, ben: TestUser;
const devices: TestDevice[] = [];

beforeAll(async () => {
  svc = await startMessagingUnderTest('metrics');
  [ann, ben] = await Promise.all([svc.api.newUser('ann'), svc.api.newUser('ben')]);
});
afterAll(async () => {
  devices.forEach((d) => d.close());
  await svc?.stop();
});

describe('GET /metrics', () => {
  it('counts a sent message, its request by route template, the fan-out and the open socket', async () => {
    const conversation = (
      await svc.api.post('/v1/conversations', ann.token, { type: 'direct', participants: [ben.id] })
    ).body.id as string;
    devices.push(await TestDevice.connect(svc.url, ben.token));
    const sendRoute = { method: 'POST', route: '/v1/conversations/:conversationId/messages', status: '201' };
    const before = await scrapeMetrics(svc.url);

    const res = await svc.api.post(`/v1/conversations/${conversation}/messages`, ann.token, {
      clientMessageId: 'metrics-1',
      parts: [{ mimeType: 'text/plain', body: 'counted' }],
    });
    expect(res.status).toBe(201);

    await eventually(async () => {
      const after = await scrapeMetrics(svc.url);
      expect(after.value('parley_messages_persisted_total')).toBe(
        before.value('parley_messages_persisted_total') + 1,
      );
      expect(after.value('parley_http_requests_total', sendRoute)).toBe(
        before.value('parley_http_requests_total', sendRoute) + 1,
      );
      expect(after.value('parley_http_request_duration_seconds_count', sendRoute)).toBe(
        before.value('parley_http_request_duration_seconds_count', sendRoute) + 1,
      );
      expect(after.value('parley_fanout_publishes_total')).toBeGreaterThan(
        before.value('parley_fanout_publishes_total'),
      );
      expect(after.value('parley_websocket_open_connections', { endpoint: '/v1/realtime' })).toBe(1);
      // Published by the relay: nothing waits, so the lag is back to 0.
      expect(after.value('parley_outbox_pending_rows')).toBe(0);
      expect(after.value('parley_outbox_lag_seconds')).toBe(0);
      return true;
    }, 'the metrics of the sent message');

    const page = await scrapeMetrics(svc.url);
    // One series per route, whatever ids the paths carry; every series names the service.
    expect(
      page.matching('parley_http_requests_total').some((s) => s.labels.route?.includes(conversation)),
    ).toBe(false);
    expect(page.matching('parley_messages_persisted_total')[0]?.labels.service).toBe('messaging');
    expect(page.has('process_cpu_user_seconds_total')).toBe(true);
  });

  it('is public, and not in the OpenAPI document', async () => {
    const res = await fetch(`${svc.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const document = (await svc.api.get('/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).not.toContain('/metrics');
  });
});
