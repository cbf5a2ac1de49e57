// At least once across a crash: the built gateway runs as a child process and is killed (SIGKILL, no
// graceful close) while a delivery waits for its retry; a new process on the same database and Redis makes
// the retry, with the same webhook-id.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Conversation, CreatedWebhookEndpoint, WebhookDeliveryList } from '@parley/protocol';
import {
  allocateTestNamespace,
  eventually,
  freePort,
  startMessagingForTests,
  startService,
  testDatabaseUrl,
  testDb,
  testRedisUrl,
  type MessagingForTests,
  type ServiceProcess,
  type TestNamespace,
} from '@parley/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const gatewayMainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const GATEWAY_CLIENT = { id: 'webhook-gateway', secret: 'integration-gateway-secret-0123456789' };
const HOOKS_CLIENT = { id: 'hooks-client', secret: 'integration-hooks-secret-0123456789' };
/** Long enough for the test to see the failed attempt logged and kill the gateway before the retry. */
const RETRY_DELAY_MS = 3000;

interface Receipt {
  webhookId: string;
  type: string;
  at: number;
}

const ns: TestNamespace = allocateTestNamespace('owh_restart');
const gatewayNs: TestNamespace = allocateTestNamespace('owh_restart_gw');
let messaging: MessagingForTests;
let gateway: { url: string; service: ServiceProcess } | undefined;
let receiver: Server;
let receiverUrl = '';
let secret = '';
const receipts: Receipt[] = [];
const unverified: string[] = [];
let answer = 500;

async function startGateway(): Promise<{ url: string; service: ServiceProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = await startService({
    name: 'webhook-gateway (outgoing webhooks restart)',
    main: gatewayMainJs,
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      DB_SCHEMA: gatewayNs.schema,
      REDIS_URL: testRedisUrl,
      REDIS_PREFIX: ns.redisPrefix,
      JWKS_URL: messaging.jwksUrl,
      MESSAGING_URL: messaging.url,
      WEBHOOK_GATEWAY_CLIENT_ID: GATEWAY_CLIENT.id,
      WEBHOOK_GATEWAY_CLIENT_SECRET: GATEWAY_CLIENT.secret,
      // The test's receivers listen on loopback, which deliveries may not reach unless listed.
      OUTBOUND_ALLOWED_INTERNAL: '127.0.0.1',
      VAPID_KEY_FILE: gatewayNs.tempFile('vapid.json'),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      OUTGOING_WEBHOOK_RETRY_SCHEDULE_MS: String(RETRY_DELAY_MS),
      ...(testDb === 'postgres'
        ? { DATABASE_URL: testDatabaseUrl }
        : { PGLITE_DIR: gatewayNs.tempFile('pglite') }),
    },
    healthUrl: `${url}/health`,
    startTimeoutMs: 120_000,
  });
  return { url, service };
}

beforeAll(async () => {
  if (!existsSync(gatewayMainJs))
    throw new Error(
      `the gateway is not built (${gatewayMainJs}): run \`npm run build -w @parley/webhook-gateway\``,
    );
  messaging = await startMessagingForTests({
    label: 'owh_restart',
    ns,
    oauthClients: [
      { ...GATEWAY_CLIENT, scopes: ['voice.proxy'] },
      { ...HOOKS_CLIENT, scopes: ['webhooks.manage'] },
    ],
    env: { OUTBOX_POLL_INTERVAL_MS: '50' },
  });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      try {
        const body = new Webhook(secret).verify(raw, headers) as { type: string };
        receipts.push({ webhookId: headers['webhook-id'], type: body.type, at: Date.now() });
        res.writeHead(answer).end();
      } catch {
        unverified.push(headers['webhook-id']);
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  gateway = await startGateway();
}, 240_000);

afterAll(async () => {
  try {
    await gateway?.service.stop();
    await messaging?.stop();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  } finally {
    await Promise.allSettled([ns.cleanup(), gatewayNs.cleanup()]);
  }
});

describe('outgoing webhooks across a gateway crash', () => {
  it('a retry waiting when the gateway is killed is made by the next gateway, with the same webhook-id', async () => {
    const hooksToken = await messaging.clientToken(HOOKS_CLIENT);
    const created = await fetch(`${gateway!.url}/v1/webhooks/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hooksToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiverUrl, topics: ['message.sent'] }),
    });
    expect(created.status).toBe(201);
    const { endpoint, secret: endpointSecret } = CreatedWebhookEndpoint.parse(await created.json());
    secret = endpointSecret;

    const user = (await messaging.signUp('carol')).tokens.access_token;
    const conv = await fetch(`${messaging.url}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'group', participants: [], title: 'Crash' }),
    });
    const conversationId = Conversation.parse(await conv.json()).id;
    const sent = await fetch(`${messaging.url}/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: 'crash-1', parts: [{ mimeType: 'text/plain', body: 'hi' }] }),
    });
    expect(sent.status).toBe(201);

    // The first attempt answered 500 and logged; its retry waits in Redis.
    const deliveries = async (url: string): Promise<WebhookDeliveryList> => {
      const res = await fetch(`${url}/v1/webhooks/endpoints/${endpoint.id}/deliveries`, {
        headers: { authorization: `Bearer ${hooksToken}` },
      });
      return WebhookDeliveryList.parse(await res.json());
    };
    await eventually(async () => {
      const [delivery] = (await deliveries(gateway!.url)).deliveries;
      return delivery?.status === 'pending' && delivery.attempts.length === 1;
    }, 'the first attempt logged, its retry pending');
    expect(receipts).toHaveLength(1);

    gateway!.service.child.kill('SIGKILL');
    expect((await gateway!.service.exited).signal).toBe('SIGKILL');
    const restartedAt = Date.now();
    answer = 200;
    gateway = await startGateway();

    await eventually(() => receipts.length === 2, 'the retry from the new gateway', 30_000);
    expect(receipts[1]!.webhookId).toBe(receipts[0]!.webhookId);
    expect(receipts[1]!.type).toBe('message.sent');
    expect(receipts[1]!.at).toBeGreaterThanOrEqual(restartedAt);
    const log = await eventually(async () => {
      const [delivery] = (await deliveries(gateway!.url)).deliveries;
      return delivery?.status === 'succeeded' ? delivery : undefined;
    }, 'the delivery logged as succeeded');
    expect(log.attempts.map((a) => a.responseStatus)).toEqual([500, 200]);
    expect(unverified).toEqual([]);
  });
});
