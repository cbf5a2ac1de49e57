// One test file's world: a real messaging service (child process), the voice proxy (in this process or as
// a child process), users with live WebSockets, in the file's own schemas and Redis prefix.
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  Conversation,
  OperatorAvailability,
  SendVoiceSignalResponse,
  type SendVoiceSignalRequest,
} from '@parley/protocol';
import {
  allocateTestNamespace,
  connectMessagingDevice,
  eventually,
  freePort,
  startMessagingForTests,
  startService,
  testDatabaseUrl,
  testDb,
  testRedisUrl,
  type MessagingDevice,
  type MessagingForTests,
  type ServiceProcess,
  type TestNamespace,
} from '@parley/testing';
import { startVoiceProxy, type RunningVoiceProxy } from '../../src/bootstrap/create-app.js';
import { loadConfig } from '../../src/config/config.js';

const proxyMain = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export const PROXY_CLIENT = { id: 'voice-proxy', secret: 'integration-proxy-secret-0123456789' };
export const ADMIN_CLIENT = { id: 'support-admin', secret: 'integration-admin-secret-0123456789' };

export interface Party {
  id: string;
  username: string;
  displayName: string;
  token: string;
  socket: MessagingDevice;
}

export interface Customer extends Party {
  /** Their support conversation: the `cid` of their calls. */
  cid: string;
}

export class SupportWorld {
  /** Messaging's schema and the Redis prefix both services share (the bus lives there). */
  readonly ns: TestNamespace;
  /** The proxy's own schema. */
  readonly proxyNs: TestNamespace;
  readonly operatorUsernames: string[];
  messagingUrl = '';
  proxyUrl = '';
  private messaging: MessagingForTests | undefined;
  private readonly inProcess: RunningVoiceProxy[] = [];
  private child: ServiceProcess | undefined;
  private nextOperator = 0;
  private readonly sockets: MessagingDevice[] = [];
  private readonly onDuty: Party[] = [];

  constructor(
    private readonly label: string,
    operatorSlots = 12,
  ) {
    this.ns = allocateTestNamespace(`vp_${label}`);
    this.proxyNs = allocateTestNamespace(`vpp_${label}`);
    const tag = randomBytes(3).toString('hex');
    this.operatorUsernames = Array.from({ length: operatorSlots }, (_, i) =>
      `op${i}-${label}-${tag}`.slice(0, 32),
    );
  }

  /** `env` adds to messaging's test environment, e.g. another REDIS_URL. */
  async startMessaging(env: Record<string, string> = {}): Promise<void> {
    this.messaging = await startMessagingForTests({
      label: `vp_${this.label}`,
      ns: this.ns,
      oauthClients: [
        { ...PROXY_CLIENT, scopes: ['voice.proxy'] },
        { ...ADMIN_CLIENT, scopes: ['admin'] },
      ],
      env,
    });
    this.messagingUrl = this.messaging.url;
  }

  private get runningMessaging(): MessagingForTests {
    if (!this.messaging) throw new Error('start messaging first');
    return this.messaging;
  }

  /** The proxy's environment in this world. */
  proxyEnv(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      HOST: '127.0.0.1',
      DB_SCHEMA: this.proxyNs.schema,
      REDIS_URL: testRedisUrl,
      REDIS_PREFIX: this.ns.redisPrefix,
      JWKS_URL: `${this.messagingUrl}/.well-known/jwks.json`,
      MESSAGING_URL: this.messagingUrl,
      VOICE_PROXY_CLIENT_ID: PROXY_CLIENT.id,
      VOICE_PROXY_CLIENT_SECRET: PROXY_CLIENT.secret,
      SUPPORT_OPERATORS: this.operatorUsernames.join(','),
      RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
      VOICE_EFFECT_RETRY_INTERVAL_MS: '200',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...(testDb === 'postgres' ? { DATABASE_URL: testDatabaseUrl } : { PGLITE_DIR: 'memory://' }),
      ...overrides,
    };
  }

  /** A proxy in this process (most tests); a second one is another replica of the same deployment. */
  async startProxy(overrides: Record<string, string> = {}): Promise<RunningVoiceProxy> {
    const proxy = await startVoiceProxy(loadConfig(this.proxyEnv({ PORT: '0', ...overrides })));
    this.inProcess.push(proxy);
    this.proxyUrl ||= proxy.url;
    return proxy;
  }

  /** The built proxy as a child process, for restarts and kills; same port each time. */
  async startProxyProcess(overrides: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = this.proxyUrl ? new URL(this.proxyUrl).port : String(await freePort());
    this.proxyUrl = `http://127.0.0.1:${port}`;
    this.child = await startService({
      name: 'voice-proxy',
      main: proxyMain,
      // On PGlite the calls must outlive the process: a directory, not memory.
      env: this.proxyEnv({
        PORT: port,
        LOG_LEVEL: 'warn',
        ...(testDb === 'pglite' ? { PGLITE_DIR: this.proxyNs.tempFile('pglite') } : {}),
        ...overrides,
      }),
      healthUrl: `${this.proxyUrl}/health/ready`,
      // Opening embedded PGlite from disk can take tens of seconds on a busy machine.
      startTimeoutMs: 120_000,
    });
    return this.child;
  }

  async stop(): Promise<void> {
    this.sockets.splice(0).forEach((s) => s.close());
    try {
      for (const proxy of this.inProcess) await proxy.close();
      await this.child?.stop();
      await this.messaging?.stop();
    } finally {
      await Promise.allSettled([this.ns.cleanup(), this.proxyNs.cleanup()]);
    }
  }

  /** Everyone who went on duty in a test goes off it, so the next test rings only its own operators. */
  async offDuty(): Promise<void> {
    // A test that stopped its proxy already needs nothing more here: the next proxy is started by the next test.
    for (const operator of this.onDuty.splice(0))
      await this.proxyApi('PUT', '/v1/support/availability', operator.token, { available: false }).catch(
        () => undefined,
      );
    this.sockets.splice(0).forEach((s) => s.close());
  }

  async signUp(username: string, displayName: string): Promise<Omit<Party, 'socket'>> {
    const session = await this.runningMessaging.signUp(displayName, { username, displayName });
    return { id: session.user.id, username, displayName, token: session.tokens.access_token };
  }

  private async connect(party: Omit<Party, 'socket'>): Promise<Party> {
    const socket = await connectMessagingDevice(this.messagingUrl, party.token);
    this.sockets.push(socket);
    return { ...party, socket };
  }

  /** A user with an open support conversation (just themselves in it) and a live socket. */
  async customer(displayName = 'Customer Carl'): Promise<Customer> {
    const user = await this.signUp(`cust-${randomBytes(5).toString('hex')}`, displayName);
    const res = await fetch(`${this.messagingUrl}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'group', participants: [], title: 'Support' }),
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`conversation: ${res.status}`);
    const conversation = Conversation.parse(await res.json());
    return { ...(await this.connect(user)), cid: conversation.id };
  }

  /** A plain signed-in user with a socket (not an operator). */
  async user(displayName = 'Someone'): Promise<Party> {
    return this.connect(await this.signUp(`user-${randomBytes(5).toString('hex')}`, displayName));
  }

  /** The next operator of SUPPORT_OPERATORS, signed up and connected; on duty unless told otherwise. */
  async operator(
    displayName: string,
    options: { onDuty?: boolean; connected?: boolean } = {},
  ): Promise<Party> {
    const username = this.operatorUsernames[this.nextOperator++];
    if (!username) throw new Error('out of operator usernames: raise operatorSlots');
    const user = await this.signUp(username, displayName);
    const party =
      options.connected === false ? { ...user, socket: undefined as never } : await this.connect(user);
    if (options.onDuty !== false) await this.goOnDuty(party);
    return party;
  }

  async goOnDuty(operator: Party): Promise<OperatorAvailability> {
    const res = await this.proxyApi('PUT', '/v1/support/availability', operator.token, { available: true });
    if (res.status !== 200) throw new Error(`availability: ${res.status} ${JSON.stringify(res.body)}`);
    this.onDuty.push(operator);
    return OperatorAvailability.parse(res.body);
  }

  /** A signal sent by a user through messaging, as a client would. */
  async send(from: { token: string }, signal: SendVoiceSignalRequest): Promise<SendVoiceSignalResponse> {
    const res = await fetch(`${this.messagingUrl}/v1/voice/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${from.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(signal),
    });
    if (res.status !== 201) throw new Error(`signal refused: ${res.status} ${await res.text()}`);
    return SendVoiceSignalResponse.parse(await res.json());
  }

  /** The customer calls the support line. */
  async call(customer: Customer, callId = `call-${randomUUID()}`): Promise<string> {
    await this.send(customer, {
      kind: 'start',
      to: PROXY_CLIENT.id,
      cid: customer.cid,
      call_id: callId,
      peer_info: `v=0 offer of ${callId}`,
    });
    return callId;
  }

  /** A signal from a party to the line about a customer's call. */
  async toLine(
    from: Party,
    customer: Customer,
    callId: string,
    kind: SendVoiceSignalRequest['kind'],
    peerInfo?: string,
  ): Promise<void> {
    await this.send(from, {
      kind,
      to: PROXY_CLIENT.id,
      cid: customer.cid,
      call_id: callId,
      ...(peerInfo ? { peer_info: peerInfo } : {}),
    });
  }

  async proxyApi(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.proxyUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** A client-credentials token of the admin client (scope admin). */
  adminToken(): Promise<string> {
    return this.runningMessaging.clientToken(ADMIN_CLIENT);
  }

  /** The call-log messages in a conversation, as its participant reads them. */
  async callLogEntries(reader: { token: string }, cid: string): Promise<Array<Record<string, unknown>>> {
    const res = await fetch(`${this.messagingUrl}/v1/conversations/${cid}/messages`, {
      headers: { authorization: `Bearer ${reader.token}` },
    });
    if (res.status !== 200) return [];
    const body = (await res.json()) as {
      messages: Array<{ parts: Array<{ mimeType: string; body?: string }> }>;
    };
    return body.messages.flatMap((m) =>
      m.parts
        .filter((p) => p.mimeType === 'application/vnd.parley.call+json' && p.body)
        .map((p) => JSON.parse(p.body!) as Record<string, unknown>),
    );
  }

  /** Waits for the call-log entry of `callId` in `cid`. */
  callLogEntry(reader: { token: string }, cid: string, callId: string) {
    return eventually(
      async () => (await this.callLogEntries(reader, cid)).find((e) => e.callId === callId),
      `the call-log entry of ${callId}`,
      15_000,
    );
  }
}
