// GET /metrics of a running webhook gateway: provider webhooks by provider and outcome, outgoing webhook
// attempts by the status they left, and the outbox the stored webhooks go through.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBus, Topics } from '@parley/event-bus';
import { eventually, scrapeMetrics, startMessagingForTests, testRedisUrl } from '@parley/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_CLIENT, GatewayWorld } from './support/gateway-world.js';

const HOOKS_CLIENT = { id: 'metrics-hooks-client', secret: 'integration-metrics-hooks-secret-0123' };

const world = new GatewayWorld('metrics');
let messaging: Awaited<ReturnType<typeof startMessagingForTests>>;
let bus: EventBus;
let receiver: Server;
let receiverUrl = '';

beforeAll(async () => {
  messaging = await startMessagingForTests({
    label: 'wg_metrics',
    ns: world.ns,
    oauthClients: [
      { ...GATEWAY_CLIENT, scopes: ['voice.proxy'] },
      { ...HOOKS_CLIENT, scopes: ['webhooks.manage'] },
    ],
  });
  world.messagingUrl = messaging.url;
  await world.startGateway({ OUTGOING_WEBHOOK_RETRY_SCHEDULE_MS: '60000' });
  bus = new EventBus({ redisUrl: testRedisUrl, prefix: world.ns.redisPrefix });
  // The customer's backend: /ok takes every webhook, /down answers 500.
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.url === '/ok' ? 200 : 500).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await bus?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await messaging?.stop();
  await world.stop();
});

const joined = () => ({
  type: 'participant.joined',
  roomId: 'parley-unknown-room',
  identity: 'someone',
  occurredAt: new Date().toISOString(),
});

describe('GET /metrics', () => {
  it('counts provider webhooks by provider and outcome', async () => {
    const before = await scrapeMetrics(world.gatewayUrl);
    expect((await world.postWebhook('parley', world.signedWebhook(joined()))).status).toBe(200);
    const forged = world.signedWebhook(joined());
    forged.headers['webhook-signature'] = 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    expect((await world.postWebhook('parley', forged)).status).toBe(401);

    const after = await scrapeMetrics(world.gatewayUrl);
    const moved = (labels: Record<string, string>) =>
      after.value('parley_provider_webhooks_received_total', labels) -
      before.value('parley_provider_webhooks_received_total', labels);
    expect(moved({ provider: 'parley', outcome: 'stored' })).toBe(1);
    expect(moved({ provider: 'parley', outcome: 'invalid_signature' })).toBe(1);
    // The stored webhook left through the outbox.
    await eventually(
      async () => (await scrapeMetrics(world.gatewayUrl)).value('parley_outbox_pending_rows') === 0,
      'the outbox to drain',
    );
  });

  it('counts outgoing webhook attempts by the status they left', async () => {
    const token = await messaging.clientToken(HOOKS_CLIENT);
    for (const path of ['ok', 'down']) {
      const res = await fetch(`${world.gatewayUrl}/v1/webhooks/endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${receiverUrl}/${path}`, topics: ['conversation.updated'] }),
      });
      expect(res.status).toBe(201);
    }
    const before = await scrapeMetrics(world.gatewayUrl);
    const id = randomUUID();
    await bus.publish(Topics.conversationUpdated, {
      id,
      payload: {
        id,
        type: 'conversation.updated',
        conversationId: randomUUID(),
        seq: 2,
        actorId: randomUUID(),
        createdAt: new Date().toISOString(),
        payload: { title: 'Counted' },
      },
    });

    await eventually(async () => {
      const after = await scrapeMetrics(world.gatewayUrl);
      for (const status of ['succeeded', 'retrying'])
        expect(after.value('parley_webhook_delivery_attempts_total', { status })).toBe(
          before.value('parley_webhook_delivery_attempts_total', { status }) + 1,
        );
      return true;
    }, 'one successful and one failed attempt');
  });
});
