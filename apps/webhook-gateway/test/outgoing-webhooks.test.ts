// Outgoing webhooks end to end: a real messaging (child process) publishes conversation events on the bus,
// the gateway (in this process) delivers them to a local receiver, which verifies every delivery with the
// `standardwebhooks` package and the secrets the gateway gave out.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBus, Topics } from '@parley/event-bus';
import {
  Conversation,
  CreatedWebhookEndpoint,
  OutgoingWebhookBody,
  RotatedWebhookSecret,
  WebhookDeliveryList,
  WebhookEndpoint,
  type OutgoingWebhookTopic,
} from '@parley/protocol';
import {
  allocateTestNamespace,
  eventually,
  startMessagingForTests,
  testDatabaseUrl,
  testDb,
  testRedisUrl,
  type MessagingForTests,
  type TestNamespace,
} from '@parley/testing';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookGateway, type RunningWebhookGateway } from '../src/bootstrap/create-app.js';
import { loadConfig } from '../src/config/config.js';

const GATEWAY_CLIENT = { id: 'webhook-gateway', secret: 'integration-gateway-secret-0123456789' };
const HOOKS_CLIENT = { id: 'hooks-client', secret: 'integration-hooks-secret-0123456789' };
const OTHER_HOOKS_CLIENT = { id: 'other-hooks-client', secret: 'integration-other-hooks-secret-0123' };
const NO_SCOPE_CLIENT = { id: 'no-hooks-client', secret: 'integration-no-hooks-secret-0123456' };
/** Attempts 1–4, then dead; a streak of 6 failures disables an endpoint at once. */
const RETRY_SCHEDULE_MS = [300, 300, 300];
const DISABLE_AFTER_FAILURES = 6;

interface ReceivedWebhook {
  path: string;
  webhookId: string;
  timestamp: string;
  raw: string;
  body: OutgoingWebhookBody;
  signatures: string[];
  /** Which of the path's secrets verified it (by index); every delivery must verify with at least one. */
  verifiedBy: number[];
  at: number;
}

type Answer = (req: IncomingMessage, nth: number) => number | Promise<number>;

/**
 * The customer's backend: one path per endpoint, each with the secrets it knows and how it answers. Every
 * request is verified with `new Webhook(secret).verify(body, headers)`; one that no secret verifies is kept
 * in `unverified` and answered 401.
 */
class Receiver {
  readonly received: ReceivedWebhook[] = [];
  readonly unverified: string[] = [];
  private readonly secrets = new Map<string, string[]>();
  private readonly answers = new Map<string, Answer>();
  private readonly counts = new Map<string, number>();
  readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.answer(req, Buffer.concat(chunks).toString('utf8')).then(
          (status) => res.writeHead(status).end(),
          () => res.writeHead(500).end(),
        );
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A new path with its secret and its answers (200 unless told). */
  path(name: string, secret: string, answer: Answer = () => 200): string {
    this.secrets.set(`/${name}`, [secret]);
    this.answers.set(`/${name}`, answer);
    return `${this.url}/${name}`;
  }

  addSecret(name: string, secret: string): void {
    this.secrets.get(`/${name}`)!.push(secret);
  }

  answerWith(name: string, answer: Answer): void {
    this.answers.set(`/${name}`, answer);
  }

  at(name: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === `/${name}`);
  }

  private async answer(req: IncomingMessage, raw: string): Promise<number> {
    const path = req.url ?? '';
    const headers = {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    };
    const verifiedBy = (this.secrets.get(path) ?? []).flatMap((secret, i) => {
      try {
        new Webhook(secret).verify(raw, headers);
        return [i];
      } catch {
        return [];
      }
    });
    if (verifiedBy.length === 0) {
      this.unverified.push(`${path} ${headers['webhook-id']}`);
      return 401;
    }
    const nth = (this.counts.get(path) ?? 0) + 1;
    this.counts.set(path, nth);
    this.received.push({
      path,
      webhookId: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      raw,
      body: OutgoingWebhookBody.parse(JSON.parse(raw)),
      signatures: headers['webhook-signature'].split(' '),
      verifiedBy,
      at: Date.now(),
    });
    const inFlight = (this.inFlight.get(path) ?? 0) + 1;
    this.inFlight.set(path, inFlight);
    this.maxInFlight.set(path, Math.max(inFlight, this.maxInFlight.get(path) ?? 0));
    try {
      return await (this.answers.get(path) ?? (() => 404))(req, nth);
    } finally {
      this.inFlight.set(path, (this.inFlight.get(path) ?? 1) - 1);
    }
  }
}

const ns: TestNamespace = allocateTestNamespace('owh');
const gatewayNs: TestNamespace = allocateTestNamespace('owh_gw');
const receiver = new Receiver();
let messaging: MessagingForTests;
let gateway: RunningWebhookGateway;
let bus: EventBus;
let hooksToken = '';
let otherHooksToken = '';
let noScopeToken = '';

function gatewayEnv(): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    DB_SCHEMA: gatewayNs.schema,
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: ns.redisPrefix,
    JWKS_URL: messaging.jwksUrl,
    MESSAGING_URL: messaging.url,
    WEBHOOK_GATEWAY_CLIENT_ID: GATEWAY_CLIENT.id,
    WEBHOOK_GATEWAY_CLIENT_SECRET: GATEWAY_CLIENT.secret,
    // The test's receivers listen on loopback, which deliveries may not reach unless listed.
    OUTBOUND_ALLOWED_INTERNAL: '127.0.0.1',
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTGOING_WEBHOOK_RETRY_SCHEDULE_MS: RETRY_SCHEDULE_MS.join(','),
    OUTGOING_WEBHOOK_TIMEOUT_MS: '5000',
    OUTGOING_WEBHOOK_BUSY_RETRY_MS: '20',
    OUTGOING_WEBHOOK_DISABLE_AFTER_FAILURES: String(DISABLE_AFTER_FAILURES),
    OUTGOING_WEBHOOK_DISABLE_AFTER_MS: '0',
    OUTGOING_WEBHOOK_SECRETS_KEY: Buffer.alloc(32, 42).toString('base64'),
    ...(testDb === 'postgres' ? { DATABASE_URL: testDatabaseUrl } : { PGLITE_DIR: 'memory://' }),
  };
}

async function api(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function createEndpoint(
  name: string,
  topics: OutgoingWebhookTopic[],
  options: { answer?: Answer; maxConcurrency?: number } = {},
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const res = await api('POST', '/v1/webhooks/endpoints', hooksToken, {
    url: `${receiver.url}/${name}`,
    topics,
    ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
  });
  expect(res.status).toBe(201);
  const created = CreatedWebhookEndpoint.parse(res.body);
  receiver.path(name, created.secret, options.answer);
  return created;
}

/** A conversation event as messaging publishes it (for tests that need many events quickly). */
async function publishConversationUpdated(title: string): Promise<string> {
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
      payload: { title },
    },
  });
  return id;
}

/** Deleted at the end of a test, so it gets none of the next tests' events. */
async function retire(endpointId: string): Promise<void> {
  expect((await api('DELETE', `/v1/webhooks/endpoints/${endpointId}`, hooksToken)).status).toBe(204);
}

async function deliveriesOf(endpointId: string): Promise<WebhookDeliveryList> {
  const res = await api('GET', `/v1/webhooks/endpoints/${endpointId}/deliveries?limit=100`, hooksToken);
  expect(res.status).toBe(200);
  return WebhookDeliveryList.parse(res.body);
}

beforeAll(async () => {
  messaging = await startMessagingForTests({
    label: 'owh',
    ns,
    oauthClients: [
      { ...GATEWAY_CLIENT, scopes: ['voice.proxy'] },
      { ...HOOKS_CLIENT, scopes: ['webhooks.manage'] },
      { ...OTHER_HOOKS_CLIENT, scopes: ['webhooks.manage'] },
      { ...NO_SCOPE_CLIENT, scopes: ['voice.proxy'] },
    ],
    env: { OUTBOX_POLL_INTERVAL_MS: '50' },
  });
  await receiver.start();
  gateway = await startWebhookGateway(loadConfig(gatewayEnv()));
  bus = new EventBus({ redisUrl: testRedisUrl, prefix: ns.redisPrefix });
  [hooksToken, otherHooksToken, noScopeToken] = await Promise.all([
    messaging.clientToken(HOOKS_CLIENT),
    messaging.clientToken(OTHER_HOOKS_CLIENT),
    messaging.clientToken(NO_SCOPE_CLIENT),
  ]);
}, 180_000);

afterAll(async () => {
  try {
    await bus?.close();
    await gateway?.close();
    await messaging?.stop();
    await receiver.stop();
  } finally {
    await Promise.allSettled([ns.cleanup(), gatewayNs.cleanup()]);
  }
  // Every delivery of the whole file verified with a secret the gateway gave out.
  expect(receiver.unverified).toEqual([]);
});

describe('outgoing webhooks', () => {
  it('a message sent through messaging arrives signed, and only the subscribed types arrive', async () => {
    const messages = await createEndpoint('messages', ['message.sent']);
    const conversations = await createEndpoint('conversations', ['conversation.created']);
    const session = await messaging.signUp('alice');
    const token = session.tokens.access_token;
    const conv = await fetch(`${messaging.url}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'group', participants: [], title: 'Hooks' }),
    });
    expect([200, 201]).toContain(conv.status);
    const conversationId = Conversation.parse(await conv.json()).id;
    const sent = await fetch(`${messaging.url}/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        clientMessageId: 'hello-1',
        parts: [{ mimeType: 'text/plain', body: 'hello' }],
      }),
    });
    expect(sent.status).toBe(201);

    const [message] = await eventually(() => {
      const got = receiver.at('messages');
      return got.length === 1 ? got : undefined;
    }, 'the message.sent webhook');
    expect(message!.body.type).toBe('message.sent');
    expect(message!.webhookId).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(message!.body.data).toMatchObject({
      type: 'message.sent',
      conversationId,
      actorId: session.user.id,
      payload: { message: { parts: [{ mimeType: 'text/plain', body: 'hello' }] } },
    });
    const [created] = await eventually(() => {
      const got = receiver.at('conversations');
      return got.length === 1 ? got : undefined;
    }, 'the conversation.created webhook');
    expect(created!.body).toMatchObject({ type: 'conversation.created', data: { conversationId } });
    // Neither endpoint got the other's type.
    expect(receiver.at('messages').map((r) => r.body.type)).toEqual(['message.sent']);
    expect(receiver.at('conversations').map((r) => r.body.type)).toEqual(['conversation.created']);

    const log = await eventually(async () => {
      const list = await deliveriesOf(messages.endpoint.id);
      return list.deliveries[0]?.status === 'succeeded' ? list : undefined;
    }, 'the delivery logged as succeeded');
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({
      eventType: 'message.sent',
      webhookId: message!.webhookId,
      attempts: [{ attempt: 1, responseStatus: 200, error: null }],
    });
    await retire(messages.endpoint.id);
    await retire(conversations.endpoint.id);
  });

  it('an event published again makes no second delivery', async () => {
    const { endpoint } = await createEndpoint('once', ['conversation.updated']);
    const id = randomUUID();
    const event = {
      id,
      payload: {
        id,
        type: 'conversation.updated' as const,
        conversationId: randomUUID(),
        seq: 3,
        actorId: randomUUID(),
        createdAt: new Date().toISOString(),
        payload: { title: 'twice' },
      },
    };
    await bus.publish(Topics.conversationUpdated, event);
    await eventually(() => receiver.at('once').length === 1, 'the first delivery');
    // The same event again, as a producer's retry would publish it after the bus forgot it.
    await gateway.bus.publish(Topics.conversationUpdated, event);
    const second = await publishConversationUpdated('marker');
    await eventually(
      () => receiver.at('once').some((r) => r.body.data.id === second),
      'a later event, delivered after the repeated one was handled',
    );
    expect(receiver.at('once').filter((r) => r.body.data.id === id)).toHaveLength(1);
    expect((await deliveriesOf(endpoint.id)).deliveries).toHaveLength(2);
    await retire(endpoint.id);
  });

  it('after 500s the same webhook is retried with the same webhook-id until it succeeds', async () => {
    const { endpoint } = await createEndpoint('flaky', ['conversation.updated'], {
      answer: (_req, nth) => (nth <= 2 ? 500 : 204),
    });
    await publishConversationUpdated('flaky');
    const log = await eventually(async () => {
      const list = await deliveriesOf(endpoint.id);
      return list.deliveries[0]?.status === 'succeeded' ? list : undefined;
    }, 'the delivery succeeding on its third attempt');
    const got = receiver.at('flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.webhookId)).size).toBe(1);
    expect(log.deliveries[0]!.attempts.map((a) => [a.attempt, a.responseStatus, a.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 204, null],
    ]);
    // Retries wait their turn in the schedule.
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MS[0]! - 50);
    await retire(endpoint.id);
  });

  it('a delivery that fails every attempt of the schedule is dead, and a redelivery sends it again', async () => {
    const { endpoint } = await createEndpoint('down', ['conversation.updated'], { answer: () => 503 });
    await publishConversationUpdated('down');
    const dead = await eventually(async () => {
      const list = await deliveriesOf(endpoint.id);
      return list.deliveries[0]?.status === 'dead' ? list.deliveries[0] : undefined;
    }, 'the delivery dead');
    expect(dead.attempts).toHaveLength(RETRY_SCHEDULE_MS.length + 1);
    expect(receiver.at('down')).toHaveLength(RETRY_SCHEDULE_MS.length + 1);

    receiver.answerWith('down', () => 200);
    const res = await api(
      'POST',
      `/v1/webhooks/endpoints/${endpoint.id}/deliveries/${dead.id}/redeliver`,
      hooksToken,
    );
    expect(res.status).toBe(202);
    const again = await eventually(async () => {
      const list = await deliveriesOf(endpoint.id);
      return list.deliveries[0]?.status === 'succeeded' ? list.deliveries[0] : undefined;
    }, 'the redelivery succeeding');
    expect(again.webhookId).toBe(dead.webhookId);
    expect(again.attempts.at(-1)).toMatchObject({
      attempt: RETRY_SCHEDULE_MS.length + 2,
      responseStatus: 200,
    });
    expect(receiver.at('down').at(-1)!.webhookId).toBe(dead.webhookId);
    // A pending or unknown delivery cannot be redelivered.
    expect(
      (
        await api(
          'POST',
          `/v1/webhooks/endpoints/${endpoint.id}/deliveries/${randomUUID()}/redeliver`,
          hooksToken,
        )
      ).status,
    ).toBe(404);
    await retire(endpoint.id);
  });

  it('an endpoint never has more than maxConcurrency deliveries in flight', async () => {
    const total = 8;
    const limit = 2;
    const waiting: Array<() => void> = [];
    let arrived = 0;
    const { endpoint } = await createEndpoint('narrow', ['conversation.updated'], {
      maxConcurrency: limit,
      // Held until the test lets them go (below): the gateway sees a full endpoint for as long as it likes.
      answer: () =>
        new Promise<number>((resolve) => {
          arrived += 1;
          waiting.push(() => resolve(200));
        }),
    });
    // A delivery told to wait for a free slot is scheduled again as a job of its own (`…-w<uuid>`).
    const redis = new Redis(testRedisUrl);
    const busyWaits = async (): Promise<number> =>
      (await redis.keys(`${ns.redisPrefix}:webhook.delivery.v1:whd-*-w*`)).length;
    try {
      for (let i = 0; i < total; i += 1) await publishConversationUpdated(`narrow ${i}`);
      let released = 0;
      while (released < total) {
        const before = await busyWaits();
        // Released once `limit` are in flight and another delivery was turned away, or when the rest
        // have all arrived (or at once when the limit was broken, which the assertion below reports).
        await eventually(
          async () =>
            waiting.length > limit ||
            (waiting.length === limit && (await busyWaits()) > before) ||
            (waiting.length > 0 && arrived === total),
          'the endpoint full and a delivery turned away',
        );
        released += waiting.length;
        waiting.splice(0).forEach((release) => release());
      }
    } finally {
      redis.disconnect();
    }
    await eventually(async () => {
      const list = await deliveriesOf(endpoint.id);
      return list.deliveries.length === total && list.deliveries.every((d) => d.status === 'succeeded');
    }, 'every delivery succeeding');
    expect(receiver.maxInFlight.get('/narrow')).toBe(limit);
    // Waiting for a free slot is not an attempt.
    const list = await deliveriesOf(endpoint.id);
    expect(list.deliveries.every((d) => d.attempts.length === 1)).toBe(true);
    expect(new Set(receiver.at('narrow').map((r) => r.webhookId)).size).toBe(total);
    await retire(endpoint.id);
  });

  it('sustained failure disables the endpoint with its reason and says so; PATCH enables it again', async () => {
    // Told about the disabling: another endpoint of the same client. Not told: the disabled endpoint itself
    // (though subscribed), and another client's endpoint.
    const watcher = await createEndpoint('watcher', ['webhook.endpoint.disabled']);
    const stranger = await api('POST', '/v1/webhooks/endpoints', otherHooksToken, {
      url: `${receiver.url}/stranger`,
      topics: ['webhook.endpoint.disabled'],
    });
    expect(stranger.status).toBe(201);
    const strangerEndpoint = CreatedWebhookEndpoint.parse(stranger.body);
    receiver.path('stranger', strangerEndpoint.secret);
    const { endpoint } = await createEndpoint(
      'broken',
      ['conversation.updated', 'webhook.endpoint.disabled'],
      {
        answer: () => 500,
      },
    );
    await publishConversationUpdated('broken 1');
    await publishConversationUpdated('broken 2');
    const disabled = await eventually(async () => {
      const res = await api('GET', `/v1/webhooks/endpoints/${endpoint.id}`, hooksToken);
      const got = WebhookEndpoint.parse(res.body);
      return got.disabled ? got : undefined;
    }, 'the endpoint disabled');
    expect(disabled.disabledReason).toMatch(
      new RegExp(`^${DISABLE_AFTER_FAILURES} attempts in a row failed`),
    );
    expect(disabled.disabledAt).not.toBeNull();
    // The event, signed (the receiver verified it) and delivered once to the other endpoint.
    const [notice] = await eventually(() => {
      const got = receiver.at('watcher');
      return got.length === 1 ? got : undefined;
    }, 'the webhook.endpoint.disabled webhook');
    expect(notice!.body).toEqual({
      type: 'webhook.endpoint.disabled',
      timestamp: disabled.disabledAt,
      data: {
        endpointId: endpoint.id,
        url: endpoint.url,
        reason: disabled.disabledReason,
        disabledAt: disabled.disabledAt,
      },
    });
    expect(notice!.webhookId).toMatch(/^msg_[0-9a-f-]{36}$/);
    const watcherLog = await eventually(async () => {
      const list = await deliveriesOf(watcher.endpoint.id);
      return list.deliveries[0]?.status === 'succeeded' ? list : undefined;
    }, 'the notice logged as delivered');
    expect(watcherLog.deliveries).toHaveLength(1);
    expect(watcherLog.deliveries[0]).toMatchObject({
      eventType: 'webhook.endpoint.disabled',
      webhookId: notice!.webhookId,
      attempts: [{ attempt: 1, responseStatus: 200, error: null }],
    });
    expect(watcherLog.deliveries[0]!.reason).toBeUndefined();
    // The disabled endpoint's own log has the entry, with the reason, never sent.
    const notices = (await deliveriesOf(endpoint.id)).deliveries.filter(
      (d) => d.eventType === 'webhook.endpoint.disabled',
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      status: 'failed',
      reason: disabled.disabledReason,
      attempts: [],
    });
    // Nothing more is attempted, and new events make no deliveries.
    await eventually(async () => {
      const list = await deliveriesOf(endpoint.id);
      return list.deliveries.every((d) => d.status !== 'pending');
    }, 'no delivery left pending');
    // Attempts already in flight when the streak was reached may still have been made.
    const attempted = receiver.at('broken').length;
    expect(attempted).toBeGreaterThanOrEqual(DISABLE_AFTER_FAILURES);
    expect(attempted).toBeLessThanOrEqual(2 * (RETRY_SCHEDULE_MS.length + 1));
    // A second endpoint on the same type: once it has the event, the event's deliveries have all been made.
    const witness = await createEndpoint('witness', ['conversation.updated']);
    const whileDisabled = await publishConversationUpdated('while disabled');
    await eventually(
      () => receiver.at('witness').some((r) => r.body.data.id === whileDisabled),
      'the event handled while the endpoint is disabled',
    );
    await retire(witness.endpoint.id);

    receiver.answerWith('broken', () => 200);
    const res = await api('PATCH', `/v1/webhooks/endpoints/${endpoint.id}`, hooksToken, { disabled: false });
    expect(res.status).toBe(200);
    expect(WebhookEndpoint.parse(res.body)).toMatchObject({
      disabled: false,
      disabledReason: null,
      disabledAt: null,
    });
    // The entry is a record of the disabling, not something to send to the endpoint.
    expect(
      (
        await api(
          'POST',
          `/v1/webhooks/endpoints/${endpoint.id}/deliveries/${notices[0]!.id}/redeliver`,
          hooksToken,
        )
      ).status,
    ).toBe(409);
    const after = await publishConversationUpdated('enabled again');
    await eventually(
      () => receiver.at('broken').some((r) => r.body.data.id === after),
      'a delivery after re-enabling',
    );
    expect(
      receiver
        .at('broken')
        .some((r) => (r.body.data.payload as { title?: string }).title === 'while disabled'),
    ).toBe(false);
    // Only the one disabling was announced, only to the other endpoint of the same client.
    expect(receiver.at('watcher')).toHaveLength(1);
    expect(receiver.at('stranger')).toEqual([]);
    expect(receiver.at('broken').filter((r) => r.body.type === 'webhook.endpoint.disabled')).toEqual([]);
    await retire(endpoint.id);
    await retire(watcher.endpoint.id);
    expect(
      (await api('DELETE', `/v1/webhooks/endpoints/${strangerEndpoint.endpoint.id}`, otherHooksToken)).status,
    ).toBe(204);
  });

  it('after a rotation both secrets sign during the overlap, each signature verifying with its own', async () => {
    const { endpoint, secret: oldSecret } = await createEndpoint('rotating', ['conversation.updated']);
    const res = await api('POST', `/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`, hooksToken);
    expect(res.status).toBe(200);
    const rotated = RotatedWebhookSecret.parse(res.body);
    expect(rotated.secret).not.toBe(oldSecret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    receiver.addSecret('rotating', rotated.secret);
    // Both are kept encrypted.
    const { rows } = await gateway.db.query<{ secret: string; previous_secret: string }>(
      'SELECT secret, previous_secret FROM webhook_endpoints WHERE id = $1',
      [endpoint.id],
    );
    expect(rows[0]!.secret).toMatch(/^v1:/);
    expect(rows[0]!.previous_secret).toMatch(/^v1:/);
    expect(JSON.stringify(rows)).not.toContain('whsec_');

    await publishConversationUpdated('rotated');
    const [got] = await eventually(() => {
      const list = receiver.at('rotating');
      return list.length === 1 ? list : undefined;
    }, 'the delivery after rotation');
    expect(got!.signatures).toHaveLength(2);
    expect(got!.verifiedBy).toEqual([0, 1]);
    // Each signature on its own verifies with exactly one of the two secrets.
    const body = got!.raw;
    const timestamp = got!.timestamp;
    for (const [secret, other] of [
      [oldSecret, rotated.secret],
      [rotated.secret, oldSecret],
    ] as const) {
      const matching = got!.signatures.filter((signature) => {
        try {
          new Webhook(secret).verify(body, {
            'webhook-id': got!.webhookId,
            'webhook-timestamp': timestamp,
            'webhook-signature': signature,
          });
          return true;
        } catch {
          return false;
        }
      });
      expect(matching).toHaveLength(1);
      expect(secret).not.toBe(other);
    }
    expect(
      WebhookEndpoint.parse((await api('GET', `/v1/webhooks/endpoints/${endpoint.id}`, hooksToken)).body),
    ).toMatchObject({ previousSecretExpiresAt: rotated.previousSecretExpiresAt });
    await retire(endpoint.id);
  });

  it('manages endpoints: list, patch topics and url, delete', async () => {
    const { endpoint } = await createEndpoint('managed', [
      'message.sent',
      'message.sent',
      'voice.call.ended',
    ]);
    expect(endpoint).toMatchObject({
      topics: ['message.sent', 'voice.call.ended'],
      maxConcurrency: 4,
      disabled: false,
    });
    const list = await api('GET', '/v1/webhooks/endpoints', hooksToken);
    expect(list.body.endpoints.map((e: WebhookEndpoint) => e.id)).toContain(endpoint.id);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    const patched = await api('PATCH', `/v1/webhooks/endpoints/${endpoint.id}`, hooksToken, {
      topics: ['provider.call.ended'],
      url: `${receiver.url}/managed-2`,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ topics: ['provider.call.ended'], url: `${receiver.url}/managed-2` });
    expect((await api('DELETE', `/v1/webhooks/endpoints/${endpoint.id}`, hooksToken)).status).toBe(204);
    expect((await api('GET', `/v1/webhooks/endpoints/${endpoint.id}`, hooksToken)).status).toBe(404);
  });

  it('refuses bad requests: no token, user tokens, missing scope, other clients, bad url or topics', async () => {
    const { endpoint } = await createEndpoint('guarded', ['message.sent']);
    const path = `/v1/webhooks/endpoints/${endpoint.id}`;
    expect((await api('GET', '/v1/webhooks/endpoints', undefined)).status).toBe(401);
    expect((await api('GET', '/v1/webhooks/endpoints', 'not-a-token')).status).toBe(401);
    const user = await messaging.signUp('bob');
    expect((await api('GET', '/v1/webhooks/endpoints', user.tokens.access_token)).status).toBe(403);
    expect(
      (
        await api('POST', '/v1/webhooks/endpoints', user.tokens.access_token, {
          url: `${receiver.url}/x`,
          topics: ['message.sent'],
        })
      ).status,
    ).toBe(403);
    expect((await api('GET', '/v1/webhooks/endpoints', noScopeToken)).status).toBe(403);

    // Another client's endpoint does not exist for it.
    expect((await api('GET', path, otherHooksToken)).status).toBe(404);
    expect((await api('PATCH', path, otherHooksToken, { disabled: true })).status).toBe(404);
    expect((await api('DELETE', path, otherHooksToken)).status).toBe(404);
    expect((await api('POST', `${path}/rotate-secret`, otherHooksToken)).status).toBe(404);
    expect((await api('GET', `${path}/deliveries`, otherHooksToken)).status).toBe(404);
    expect((await api('GET', '/v1/webhooks/endpoints', otherHooksToken)).body).toEqual({ endpoints: [] });
    expect((await api('GET', path, hooksToken)).status).toBe(200);

    const bad: unknown[] = [
      { url: 'ftp://example.com/hook', topics: ['message.sent'] },
      { url: 'not a url', topics: ['message.sent'] },
      { url: `${receiver.url}/x`, topics: [] },
      { url: `${receiver.url}/x`, topics: ['message.read'] },
      { url: `${receiver.url}/x` },
      { url: `${receiver.url}/x`, topics: ['message.sent'], maxConcurrency: 0 },
      { url: `${receiver.url}/x`, topics: ['message.sent'], secret: 'whsec_mine' },
    ];
    for (const body of bad) {
      const res = await api('POST', '/v1/webhooks/endpoints', hooksToken, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api('PATCH', path, hooksToken, {})).status).toBe(400);
    expect((await api('PATCH', path, hooksToken, { topics: [] })).status).toBe(400);
    expect((await api('GET', '/v1/webhooks/endpoints/not-a-uuid', hooksToken)).status).toBe(400);
    expect((await api('GET', `${path}/deliveries?cursor=nope`, hooksToken)).status).toBe(400);
    expect((await api('GET', `${path}/deliveries?limit=1000`, hooksToken)).status).toBe(400);
  });

  it('refuses endpoints on internal addresses that are not listed, naming the range', async () => {
    const internal: Array<[string, RegExp]> = [
      ['http://10.0.0.7/hook', /10\.0\.0\.7 is a private address/],
      ['http://169.254.169.254/latest/meta-data/', /linkLocal/],
      ['http://[::1]:6379/', /loopback/],
      ['http://[::ffff:192.168.1.1]/hook', /private/],
      ['http://100.64.1.1/hook', /carrierGradeNat/],
    ];
    for (const [url, reason] of internal) {
      const res = await api('POST', '/v1/webhooks/endpoints', hooksToken, { url, topics: ['message.sent'] });
      expect(res.status, url).toBe(400);
      expect(res.body, url).toMatchObject({ message: expect.stringMatching(reason) });
      expect(JSON.stringify(res.body), url).toMatch(/OUTBOUND_ALLOWED_INTERNAL/);
    }
    const { endpoint } = await createEndpoint('moved', ['message.sent']);
    const moved = await api('PATCH', `/v1/webhooks/endpoints/${endpoint.id}`, hooksToken, {
      url: 'http://192.168.0.1/hook',
    });
    expect(moved.status).toBe(400);
    expect((await api('GET', `/v1/webhooks/endpoints/${endpoint.id}`, hooksToken)).body).toMatchObject({
      url: endpoint.url,
    });
  });

  it('a delivery waiting for its retry survives a gateway restart and keeps its webhook-id', async () => {
    let restarting: Promise<void> | undefined;
    const { endpoint } = await createEndpoint('restart', ['conversation.updated'], {
      answer: (_req, nth) => {
        if (nth > 1) return 200;
        // The gateway stops while this first attempt is answered 500: its retry waits in Redis.
        restarting = gateway.close();
        return 500;
      },
    });
    await publishConversationUpdated('restart');
    await eventually(() => restarting !== undefined, 'the first attempt');
    await restarting;
    const restartedAt = Date.now();
    expect(receiver.at('restart')).toHaveLength(1);
    gateway = await startWebhookGateway(loadConfig(gatewayEnv()));

    const got = await eventually(() => {
      const list = receiver.at('restart');
      return list.length === 2 ? list : undefined;
    }, 'the retry after the restart');
    expect(got[1]!.webhookId).toBe(got[0]!.webhookId);
    expect(got[1]!.at).toBeGreaterThanOrEqual(restartedAt);
    const log = await eventually(async () => {
      const list = await deliveriesOf(endpoint.id);
      return list.deliveries[0]?.status === 'succeeded' ? list : undefined;
    }, 'the delivery logged as succeeded');
    expect(log.deliveries[0]!.attempts.map((a) => a.responseStatus)).toEqual([500, 200]);
  });
});
