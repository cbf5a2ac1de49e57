// One test file's world: a real messaging service (child process), the gateway in this process, users and
// conversations, in the file's own schemas and Redis prefix; a probe consumer group sees what the gateway
// puts on the bus.
import { randomBytes } from 'node:crypto';
import { EventBus, Topics, type BusEvent } from '@parley/event-bus';
import { Conversation, HistoryResponse, VoipLinkBody } from '@parley/protocol';
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
import { Webhook } from 'standardwebhooks';
import { startWebhookGateway, type RunningWebhookGateway } from '../../src/bootstrap/create-app.js';
import { loadConfig } from '../../src/config/config.js';

export const GATEWAY_CLIENT = { id: 'webhook-gateway', secret: 'integration-gateway-secret-0123456789' };
export const ADMIN_CLIENT = { id: 'gateway-admin', secret: 'integration-admin-secret-0123456789' };
export const PARLEY_WEBHOOK_SECRET = `whsec_${Buffer.from('integration webhook secret 0123456789').toString('base64')}`;

export interface User {
  id: string;
  username: string;
  token: string;
}

export interface ApiResponse {
  status: number;
  // Parsed per test with the protocol schema of the route, or compared as it is.
  body: any;
}

export type ProbedEvent = BusEvent<typeof Topics.providerEvent> | BusEvent<typeof Topics.providerCallUpdated>;

export class GatewayWorld {
  readonly ns: TestNamespace;
  readonly gatewayNs: TestNamespace;
  messagingUrl = '';
  gatewayUrl = '';
  gateway!: RunningWebhookGateway;
  /** Everything published on the gateway's topics, in order, as a consumer group of the test sees it. */
  readonly probed: ProbedEvent[] = [];
  private messaging: MessagingForTests | undefined;
  private probeBus: EventBus | undefined;
  private probeClose: (() => Promise<void>) | undefined;

  constructor(private readonly label: string) {
    this.ns = allocateTestNamespace(`wg_${label}`);
    this.gatewayNs = allocateTestNamespace(`wgg_${label}`);
  }

  async startMessaging(): Promise<void> {
    this.messaging = await startMessagingForTests({
      label: `wg_${this.label}`,
      ns: this.ns,
      oauthClients: [
        { ...GATEWAY_CLIENT, scopes: ['voice.proxy'] },
        { ...ADMIN_CLIENT, scopes: ['admin'] },
      ],
    });
    this.messagingUrl = this.messaging.url;
  }

  private get runningMessaging(): MessagingForTests {
    if (!this.messaging) throw new Error('start messaging first');
    return this.messaging;
  }

  gatewayEnv(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      HOST: '127.0.0.1',
      PORT: '0',
      DB_SCHEMA: this.gatewayNs.schema,
      REDIS_URL: testRedisUrl,
      REDIS_PREFIX: this.ns.redisPrefix,
      JWKS_URL: `${this.messagingUrl}/.well-known/jwks.json`,
      MESSAGING_URL: this.messagingUrl,
      WEBHOOK_GATEWAY_CLIENT_ID: GATEWAY_CLIENT.id,
      WEBHOOK_GATEWAY_CLIENT_SECRET: GATEWAY_CLIENT.secret,
      // The test's receivers listen on loopback, which deliveries may not reach unless listed.
      OUTBOUND_ALLOWED_INTERNAL: '127.0.0.1',
      PARLEY_PROVIDER_WEBHOOK_SECRET: PARLEY_WEBHOOK_SECRET,
      RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...(testDb === 'postgres' ? { DATABASE_URL: testDatabaseUrl } : { PGLITE_DIR: 'memory://' }),
      ...overrides,
    };
  }

  async startGateway(overrides: Record<string, string> = {}): Promise<RunningWebhookGateway> {
    this.gateway = await startWebhookGateway(loadConfig(this.gatewayEnv(overrides)));
    this.gatewayUrl = this.gateway.url;
    return this.gateway;
  }

  /** A consumer group of the test on both gateway topics: subscribed before anything is published. */
  async startProbe(): Promise<void> {
    this.probeBus = new EventBus({ redisUrl: testRedisUrl, prefix: this.ns.redisPrefix });
    const subscription = await this.probeBus.subscribe(
      'gateway-test-probe',
      {
        [Topics.providerEvent]: async (event: BusEvent<typeof Topics.providerEvent>) => {
          this.probed.push(event);
        },
        [Topics.providerCallUpdated]: async (event: BusEvent<typeof Topics.providerCallUpdated>) => {
          this.probed.push(event);
        },
      },
      { concurrency: 1 },
    );
    this.probeClose = () => subscription.close();
  }

  async stop(): Promise<void> {
    try {
      await this.probeClose?.();
      await this.probeBus?.close();
      await this.gateway?.close();
      await this.messaging?.stop();
    } finally {
      await Promise.allSettled([this.ns.cleanup(), this.gatewayNs.cleanup()]);
    }
  }

  /** Publishes on the bus as another service would (the test's own bus). */
  async publishProviderEvent(
    id: string,
    payload: BusEvent<typeof Topics.providerEvent>['payload'],
  ): Promise<void> {
    if (!this.probeBus) throw new Error('start the probe first');
    await this.probeBus.publish(Topics.providerEvent, { id, payload });
  }

  providerEvents(): Array<BusEvent<typeof Topics.providerEvent>> {
    return this.probed.filter(
      (e): e is BusEvent<typeof Topics.providerEvent> => e.topic === Topics.providerEvent,
    );
  }

  callUpdates(callId: string): Array<BusEvent<typeof Topics.providerCallUpdated>> {
    return this.probed.filter(
      (e): e is BusEvent<typeof Topics.providerCallUpdated> =>
        e.topic === Topics.providerCallUpdated && e.payload.callId === callId,
    );
  }

  /** Rows in the gateway's tables (what a refused webhook must leave untouched). */
  async count(table: 'provider_events' | 'outbox' | 'calls'): Promise<number> {
    const { rows } = await this.gateway.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
    return Number(rows[0]?.n ?? 0);
  }

  async signUp(label = 'user'): Promise<User> {
    const session = await this.runningMessaging.signUp(label);
    return { id: session.user.id, username: session.user.username, token: session.tokens.access_token };
  }

  async conversation(owner: User, others: User[] = []): Promise<string> {
    const res = await fetch(`${this.messagingUrl}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'group', participants: others.map((u) => u.id), title: 'Call test' }),
    });
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`conversation: ${res.status} ${await res.text()}`);
    return Conversation.parse(await res.json()).id;
  }

  clientToken(client: { id: string; secret: string }): Promise<string> {
    return this.runningMessaging.clientToken(client);
  }

  /** The voip-link bodies of the conversation's messages, as its participants read them. */
  async voipLinks(user: User, conversationId: string): Promise<VoipLinkBody[]> {
    const res = await fetch(`${this.messagingUrl}/v1/conversations/${conversationId}/messages`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    if (!res.ok) throw new Error(`history: ${res.status}`);
    return HistoryResponse.parse(await res.json())
      .messages.flatMap((m) => m.parts)
      .filter((p) => p.mimeType === 'application/voip-link' && p.body !== undefined)
      .map((p) => VoipLinkBody.parse(JSON.parse(p.body ?? '')));
  }

  async api(method: string, path: string, token?: string, body?: unknown): Promise<ApiResponse> {
    const res = await fetch(`${this.gatewayUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return readResponse(res);
  }

  /** A webhook of the built-in provider, signed as its media server would (or tampered with by the test). */
  signedWebhook(
    payload: unknown,
    options: { id?: string; at?: Date; secret?: string } = {},
  ): { body: string; headers: Record<string, string> } {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const id = options.id ?? `msg_${randomBytes(8).toString('hex')}`;
    const at = options.at ?? new Date();
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(options.secret ?? PARLEY_WEBHOOK_SECRET).sign(id, at, body),
      },
    };
  }

  async postWebhook(
    provider: string,
    webhook: { body: string | Buffer; headers: Record<string, string> },
  ): Promise<ApiResponse> {
    const res = await fetch(`${this.gatewayUrl}/v1/providers/${provider}/webhooks`, {
      method: 'POST',
      headers: webhook.headers,
      body: webhook.body,
    });
    return readResponse(res);
  }
}

/** The status and the body: JSON when it parses, else the text as it came. */
async function readResponse(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed };
}

export { eventually };
