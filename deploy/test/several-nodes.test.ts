// One deployment on several nodes: two messaging and two terminal-core processes, one voice-proxy and one
// webhook-gateway, all built services run as child processes on one set of PostgreSQL schemas and one Redis
// prefix. Chats, terminal calls, a support call and an outgoing webhook endpoint run across the nodes while
// one messaging and one terminal-core process are killed (SIGKILL, no graceful close). Nothing accepted may
// be lost: every accepted message reaches every device (complete by seq) and its webhook, the calls the dead
// core node shared end with a Bye, the bus is left with no job waiting, stuck or failed.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  CallLogBody,
  CallLogMimeType,
  Conversation,
  CreatedWebhookEndpoint,
  Message,
  MessageSentEvent,
  OutgoingWebhookBody,
  type AuthSession,
  type SendVoiceSignalRequest,
} from '@parley/protocol';
import {
  allocateTestNamespace,
  connectMessagingDevice,
  eventually,
  freePort,
  GrpcTerminal,
  randomMsisdn,
  RepairingDevice,
  scrapeMetrics,
  startMessagingForTests,
  startService,
  testDatabaseUrl,
  testRedisUrl,
  type MessagingForTests,
  type ServiceProcess,
} from '@parley/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appMain = (app: string) => fileURLToPath(new URL(`../../apps/${app}/dist/main.js`, import.meta.url));
const VOICE_CLIENT = { id: 'voice-proxy', secret: 'several-nodes-voice-secret-0123456789' };
const GATEWAY_CLIENT = { id: 'webhook-gateway', secret: 'several-nodes-gateway-secret-0123456789' };
const HOOKS_CLIENT = { id: 'hooks-client', secret: 'several-nodes-hooks-secret-0123456789' };
/** A dead core node's liveness key lives 15 s, the survivor looks every 5 s; gRPC keepalive allows 30 s. */
const KEEPALIVE_MS = 30_000;
/** A bus job a killed process held is handed on once its lock (30 s) runs out, an outbox claim likewise. */
const HANDOVER_MS = 75_000;
const USERS = 4;
const DEVICES_PER_USER = 2;
/** Accepted sends before the kill, and after it, before the traffic stops. */
const SENDS_BEFORE_KILL = 40;
const SENDS_AFTER_KILL = 40;

const ns = allocateTestNamespace('several_nodes');
const proxyNs = allocateTestNamespace('several_nodes_vp');
const gatewayNs = allocateTestNamespace('several_nodes_gw');
const operatorUsername = `op-${randomUUID().slice(0, 8)}`;

const services: ServiceProcess[] = [];
const messaging: MessagingForTests[] = [];
const cores: Array<{ service: ServiceProcess; grpcPort: number }> = [];
let proxyUrl = '';
let gatewayUrl = '';
const closables: Array<{ close(): void }> = [];

/** The outgoing webhook endpoint: a local server that verifies each delivery, keyed by webhook-id. */
let receiver: Server;
let endpointSecret = '';
const webhooks = new Map<string, { messageId: string; type: string; loggedCallId?: string }>();
let webhookRequests = 0;
let unverifiedWebhooks = 0;

function trackService(service: ServiceProcess): ServiceProcess {
  services.push(service);
  return service;
}

async function startCore(nodeId: string): Promise<{ service: ServiceProcess; grpcPort: number }> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const service = await startService({
    name: `terminal-core ${nodeId}`,
    main: appMain('terminal-core'),
    env: {
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      GRPC_PORT: String(grpcPort),
      GRPC_HOST: '127.0.0.1',
      REDIS_URL: testRedisUrl,
      REDIS_PREFIX: ns.redisPrefix,
      // The surviving messaging node: a deployment reaches the keys through its load balancer.
      JWKS_URL: messaging[1]!.jwksUrl,
      NODE_ID: nodeId,
      LOG_LEVEL: 'warn',
    },
    healthUrl: `http://127.0.0.1:${httpPort}/health/ready`,
  });
  return { service: trackService(service), grpcPort };
}

async function startVoiceProxy(): Promise<void> {
  const port = await freePort();
  proxyUrl = `http://127.0.0.1:${port}`;
  trackService(
    await startService({
      name: 'voice-proxy',
      main: appMain('voice-proxy'),
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: testDatabaseUrl,
        DB_SCHEMA: proxyNs.schema,
        REDIS_URL: testRedisUrl,
        REDIS_PREFIX: ns.redisPrefix,
        JWKS_URL: messaging[1]!.jwksUrl,
        MESSAGING_URL: messaging[1]!.url,
        VOICE_PROXY_CLIENT_ID: VOICE_CLIENT.id,
        VOICE_PROXY_CLIENT_SECRET: VOICE_CLIENT.secret,
        SUPPORT_OPERATORS: operatorUsername,
        RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
        LOG_LEVEL: 'warn',
      },
      healthUrl: `${proxyUrl}/health/ready`,
      startTimeoutMs: 60_000,
    }),
  );
}

async function startGateway(): Promise<void> {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  trackService(
    await startService({
      name: 'webhook-gateway',
      main: appMain('webhook-gateway'),
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: testDatabaseUrl,
        DB_SCHEMA: gatewayNs.schema,
        REDIS_URL: testRedisUrl,
        REDIS_PREFIX: ns.redisPrefix,
        JWKS_URL: messaging[1]!.jwksUrl,
        MESSAGING_URL: messaging[1]!.url,
        WEBHOOK_GATEWAY_CLIENT_ID: GATEWAY_CLIENT.id,
        WEBHOOK_GATEWAY_CLIENT_SECRET: GATEWAY_CLIENT.secret,
        // The receiver listens on loopback, which deliveries may not reach unless listed.
        OUTBOUND_ALLOWED_INTERNAL: '127.0.0.1',
        GATEWAY_PUBLIC_URL: gatewayUrl,
        VAPID_KEY_FILE: gatewayNs.tempFile('vapid.json'),
        RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
        LOG_LEVEL: 'warn',
      },
      healthUrl: `${gatewayUrl}/health/ready`,
      startTimeoutMs: 60_000,
    }),
  );
}

async function startReceiver(): Promise<string> {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      webhookRequests += 1;
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      try {
        const body = OutgoingWebhookBody.parse(
          new Webhook(endpointSecret).verify(Buffer.concat(chunks).toString('utf8'), headers),
        );
        const event = MessageSentEvent.safeParse(body.data);
        const message = event.success ? event.data.payload.message : undefined;
        const callLog = message?.parts.find((p) => p.mimeType === CallLogMimeType && p.body);
        webhooks.set(headers['webhook-id'], {
          type: body.type,
          messageId: message?.id ?? '',
          loggedCallId: callLog ? CallLogBody.parse(JSON.parse(callLog.body!)).callId : undefined,
        });
        res.writeHead(200).end();
      } catch {
        unverifiedWebhooks += 1;
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
}

async function api<T>(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

beforeAll(async () => {
  for (const app of ['messaging', 'terminal-core', 'voice-proxy', 'webhook-gateway'])
    if (!existsSync(appMain(app)))
      throw new Error(`${app} is not built (${appMain(app)}): run \`npx turbo run build\``);
  const oauthClients = [
    { ...VOICE_CLIENT, scopes: ['voice.proxy'] },
    { ...GATEWAY_CLIENT, scopes: ['voice.proxy'] },
    { ...HOOKS_CLIENT, scopes: ['webhooks.manage'] },
  ];
  // One after the other: the first writes the signing key file both share.
  for (const label of ['several_nodes_a', 'several_nodes_b']) {
    const node = await startMessagingForTests({
      label,
      ns,
      oauthClients,
      env: { OUTBOX_POLL_INTERVAL_MS: '50', LOG_LEVEL: 'error' },
    });
    messaging.push(node);
    trackService(node.service);
  }
  const [coreA, coreB] = await Promise.all([startCore('core-a'), startCore('core-b'), startVoiceProxy()]);
  cores.push(coreA!, coreB!);
  await startGateway();
}, 150_000);

afterAll(async () => {
  closables.splice(0).forEach((c) => c.close());
  await Promise.allSettled(services.map((s) => s.stop(5000)));
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await Promise.allSettled([ns.cleanup(), proxyNs.cleanup(), gatewayNs.cleanup()]);
});

interface ChatUser {
  session: AuthSession;
  token: string;
  msisdn: string;
  devices: RepairingDevice[];
  conversations: string[];
}

describe('several nodes of every service, one messaging and one core node killed mid-traffic', () => {
  it('loses no accepted message, webhook, call or bus job', async () => {
    const [nodeA, nodeB] = messaging as [MessagingForTests, MessagingForTests];
    const urls = [nodeA.url, nodeB.url];

    // The outgoing webhook endpoint, registered through the gateway's REST.
    const receiverUrl = await startReceiver();
    const hooksToken = await nodeB.clientToken(HOOKS_CLIENT);
    const created = await api<unknown>(gatewayUrl, 'POST', '/v1/webhooks/endpoints', hooksToken, {
      url: receiverUrl,
      topics: ['message.sent'],
    });
    expect(created.status).toBe(201);
    endpointSecret = CreatedWebhookEndpoint.parse(created.body).secret;

    // Chat users, signed up on alternate nodes, each with devices on both nodes.
    const users: ChatUser[] = [];
    for (let i = 0; i < USERS; i++) {
      const msisdn = randomMsisdn();
      const session = await messaging[i % 2]!.signUp(`chat${i}`, { msisdn });
      users.push({ session, token: session.tokens.access_token, msisdn, devices: [], conversations: [] });
    }
    const group = await api<unknown>(nodeA.url, 'POST', '/v1/conversations', users[0]!.token, {
      type: 'group',
      participants: users.slice(1).map((u) => u.session.user.id),
      title: 'Everyone',
    });
    const conversations = [Conversation.parse(group.body).id];
    users.forEach((u) => u.conversations.push(conversations[0]!));
    for (const [a, b] of [
      [0, 1],
      [2, 3],
    ] as const) {
      const direct = await api<unknown>(nodeB.url, 'POST', '/v1/conversations', users[a]!.token, {
        type: 'direct',
        participants: [users[b]!.session.user.id],
        distinct: true,
      });
      const id = Conversation.parse(direct.body).id;
      conversations.push(id);
      users[a]!.conversations.push(id);
      users[b]!.conversations.push(id);
    }
    for (const [i, user] of users.entries())
      for (let d = 0; d < DEVICES_PER_USER; d++) {
        const first = (i + d) % 2;
        const device = await RepairingDevice.connect({
          urls: [urls[first]!, urls[1 - first]!],
          token: user.token,
        });
        user.conversations.forEach((c) => device.track(c));
        user.devices.push(device);
        closables.push(device);
      }
    const devices = users.flatMap((u) => u.devices);

    // Terminal calls across the two core nodes: the dead node owned one (its caller was there), the
    // survivor owns one whose callee was there, and one stays wholly on the survivor.
    const terminalOf = (user: ChatUser, core: { grpcPort: number }) =>
      openTerminal(core.grpcPort, user.token);
    const [coreA, coreB] = cores as [(typeof cores)[0], (typeof cores)[0]];
    const ownedByDead = await activeCall(
      await terminalOf(users[0]!, coreA),
      await terminalOf(users[1]!, coreB),
      users[1]!.msisdn,
    );
    const calleeOnDead = await activeCall(
      await terminalOf(users[2]!, coreB),
      await terminalOf(users[3]!, coreA),
      users[3]!.msisdn,
    );
    const wholeOnSurvivor = await activeCall(
      await terminalOf(users[1]!, coreB),
      await terminalOf(users[2]!, coreB),
      users[2]!.msisdn,
    );

    // A support call through the voice proxy, started through the node that will die.
    const operatorSession = await nodeB.signUp('Olga Operator', { username: operatorUsername });
    const operator = operatorSession.tokens.access_token;
    expect(
      (await api(proxyUrl, 'PUT', '/v1/support/availability', operator, { available: true })).status,
    ).toBe(200);
    const customerSession = await nodeA.signUp('Carl Customer');
    const customer = customerSession.tokens.access_token;
    const supportConversation = Conversation.parse(
      (
        await api<unknown>(nodeA.url, 'POST', '/v1/conversations', customer, {
          type: 'group',
          participants: [],
          title: 'Support',
        })
      ).body,
    ).id;
    const operatorDevice = await connectMessagingDevice(nodeB.url, operator);
    const customerDevice = await connectMessagingDevice(nodeB.url, customer);
    closables.push(operatorDevice, customerDevice);
    const supportCall = `support-${randomUUID()}`;
    const toLine = (base: string, token: string, kind: SendVoiceSignalRequest['kind'], peerInfo?: string) =>
      api(base, 'POST', '/v1/voice/signals', token, {
        kind,
        to: VOICE_CLIENT.id,
        cid: supportConversation,
        call_id: supportCall,
        ...(peerInfo ? { peer_info: peerInfo } : {}),
      });
    expect((await toLine(nodeA.url, customer, 'start', 'v=0 offer')).status).toBe(201);
    await operatorDevice.next('start', supportCall, 20_000);
    expect((await toLine(nodeA.url, operator, 'accept', 'v=0 answer')).status).toBe(201);
    await customerDevice.next('accept', supportCall, 20_000);

    // Chat traffic: each user sends into its conversations, to alternate nodes. A send that fails (the node
    // died under it) is retried on the other node with the same clientMessageId, as a client would; a
    // message counts as accepted once a node answered 2xx.
    const accepted = new Map<string, { conversationId: string; seq: number; sentAt: number }>();
    let refusedAttempts = 0;
    let stopTraffic = false;
    const sendOnce = async (
      user: ChatUser,
      node: number,
      conversationId: string,
      clientMessageId: string,
    ) => {
      try {
        const res = await api<unknown>(
          urls[node]!,
          'POST',
          `/v1/conversations/${conversationId}/messages`,
          user.token,
          {
            clientMessageId,
            parts: [{ mimeType: 'text/plain', body: clientMessageId }],
          },
        );
        if (res.status === 200 || res.status === 201) return Message.parse(res.body);
      } catch {
        // connection refused or reset: the node is gone
      }
      refusedAttempts += 1;
      return undefined;
    };
    const sender = async (user: ChatUser, index: number) => {
      for (let n = 0; !stopTraffic; n++) {
        const conversationId = user.conversations[n % user.conversations.length]!;
        const clientMessageId = `u${index}-m${n}`;
        const sentAt = Date.now();
        let node = (index + n) % 2;
        let message = await sendOnce(user, node, conversationId, clientMessageId);
        for (let retry = 0; !message && retry < 5; retry++) {
          node = 1 - node;
          message = await sendOnce(user, node, conversationId, clientMessageId);
        }
        if (!message) throw new Error(`${clientMessageId} was accepted by no node`);
        accepted.set(message.id, { conversationId, seq: message.seq, sentAt });
      }
    };
    const traffic = Promise.all(users.map((u, i) => sender(u, i)));

    await eventually(() => accepted.size >= SENDS_BEFORE_KILL, 'traffic before the kill', 30_000);
    nodeA.service.child.kill('SIGKILL');
    coreA.service.child.kill('SIGKILL');
    const acceptedAtKill = accepted.size;
    expect((await nodeA.service.exited).signal).toBe('SIGKILL');
    expect((await coreA.service.exited).signal).toBe('SIGKILL');
    await eventually(
      () => accepted.size >= acceptedAtKill + SENDS_AFTER_KILL,
      'traffic after the kill, on the surviving node',
      30_000,
    );
    stopTraffic = true;
    await traffic;

    // Every device moved to the survivor and has every conversation complete by seq.
    await eventually(
      () => devices.every((d) => d.url === nodeB.url && !d.isRecovering),
      'devices on the survivor',
      20_000,
    );
    const lastSeqs = new Map<string, number>();
    for (const { conversationId, seq } of accepted.values())
      lastSeqs.set(conversationId, Math.max(seq, lastSeqs.get(conversationId) ?? 0));
    await eventually(
      () => {
        for (const user of users)
          for (const device of user.devices)
            for (const c of user.conversations) expect(device.missing(c, lastSeqs.get(c)!)).toEqual([]);
        return true;
      },
      'every device complete by seq',
      20_000,
    );
    for (const user of users)
      for (const device of user.devices)
        for (const [, { conversationId, seq }] of accepted)
          if (user.conversations.includes(conversationId))
            expect(device.seqsOf(conversationId)).toContain(seq);

    // Every accepted message got its webhook, at least once.
    await eventually(
      () => {
        const delivered = new Set([...webhooks.values()].map((w) => w.messageId));
        const missing = [...accepted.keys()].filter((id) => !delivered.has(id));
        expect(missing).toEqual([]);
        return true;
      },
      'a webhook for every accepted message',
      HANDOVER_MS,
    );
    expect(unverifiedWebhooks).toBe(0);

    // The calls the dead core node shared end with a Bye on the survivor; the survivor's own call goes on.
    const [byeToCallee, byeToCaller] = await Promise.all([
      ownedByDead.callee.next('bye', ownedByDead.id, KEEPALIVE_MS),
      calleeOnDead.caller.next('bye', calleeOnDead.id, KEEPALIVE_MS),
    ]);
    expect(byeToCallee.message).toMatchObject({ value: { reason: 'connection_lost' } });
    expect(byeToCaller.message).toMatchObject({ value: { reason: 'connection_lost' } });
    wholeOnSurvivor.callee.bye(wholeOnSurvivor.id);
    expect((await wholeOnSurvivor.caller.next('bye', wholeOnSurvivor.id)).message).toMatchObject({
      value: { reason: 'hangup' },
    });
    // The user whose terminal was on the dead node calls again through the survivor.
    const again = await activeCall(
      await terminalOf(users[0]!, coreB),
      await terminalOf(users[3]!, coreB),
      users[3]!.msisdn,
    );
    again.caller.bye(again.id);
    await again.callee.next('bye', again.id);

    // Each of those calls was reported ended (call.ended on the bus, a call-log entry, its webhook).
    await eventually(
      () => {
        const logged = new Set([...webhooks.values()].map((w) => w.loggedCallId));
        const calls = [ownedByDead, calleeOnDead, wholeOnSurvivor, again].map((c) => c.id);
        expect(calls.filter((id) => !logged.has(id))).toEqual([]);
        return true;
      },
      'a call-log entry for every ended call',
      HANDOVER_MS,
    );

    // The support call ends normally after the kill, through the survivor.
    expect((await toLine(nodeB.url, customer, 'stop')).status).toBe(201);
    await operatorDevice.next('stop', supportCall, 20_000);
    await Promise.all([
      customerDevice.next('summary', supportCall, 20_000),
      operatorDevice.next('summary', supportCall, 20_000),
    ]);

    // No bus job is left waiting, stuck on the dead process or failed, in any surviving process.
    const survivors = [nodeB.url, proxyUrl, gatewayUrl];
    const busJobs = await eventually(
      async () => {
        const pages = await Promise.all(survivors.map((url) => scrapeMetrics(url)));
        const count = (state: string) =>
          pages.reduce((sum, page) => sum + page.value('parley_bus_queue_jobs', { state }), 0);
        const backlog = ['waiting', 'active', 'delayed', 'prioritized'].map(count);
        expect(backlog).toEqual([0, 0, 0, 0]);
        return {
          failed: count('failed'),
          deadLetters: pages.reduce((sum, page) => sum + page.value('parley_bus_dead_letters_total'), 0),
        };
      },
      'the bus drained',
      HANDOVER_MS,
    );
    expect(busJobs).toEqual({ failed: 0, deadLetters: 0 });

    const delivered = devices.reduce(
      (sum, d) =>
        sum + [...accepted.values()].filter((m) => d.seqsOf(m.conversationId).includes(m.seq)).length,
      0,
    );
    const expectedDeliveries = users.reduce(
      (sum, u) =>
        sum +
        u.devices.length *
          [...accepted.values()].filter((m) => u.conversations.includes(m.conversationId)).length,
      0,
    );
    const acceptedWebhooks = [...webhooks.values()].filter((w) => accepted.has(w.messageId)).length;
    console.log(
      [
        `messages accepted: ${accepted.size} (${acceptedAtKill} before the kill; ${refusedAttempts} send attempts failed and were retried)`,
        `messages delivered to devices: ${delivered} of ${expectedDeliveries} (${devices.reduce((s, d) => s + d.repairedEvents, 0)} events by repair)`,
        `reconnects: ${devices.reduce((s, d) => s + d.reconnects, 0)} of ${devices.length} devices`,
        `calls the dead core node shared: ${[byeToCallee, byeToCaller].length} ended with Bye (connection_lost) from the survivor, which adopts the dead node's calls only to end them; 0 taken over to go on; the survivor's own call went on; 1 new call after the kill`,
        `webhooks: ${acceptedWebhooks} distinct webhook-ids for the ${accepted.size} accepted messages, ${webhooks.size - acceptedWebhooks} for other message.sent events (call-log entries), ${webhookRequests - webhooks.size} repeated deliveries`,
        `bus: 0 jobs waiting, ${busJobs.failed} failed, ${busJobs.deadLetters} dead letters`,
      ].join('\n'),
    );
    expect(delivered).toBe(expectedDeliveries);
  }, 170_000);
});

/** A registered gRPC MultiPipe terminal: the core reads its messages only once registered, so a probe proves it. */
async function openTerminal(grpcPort: number, token: string): Promise<GrpcTerminal> {
  const terminal = GrpcTerminal.open(grpcPort, token, 'multi');
  closables.push(terminal);
  const probe = randomUUID();
  terminal.answer(probe);
  await terminal.next('error', probe);
  return terminal;
}

async function activeCall(caller: GrpcTerminal, callee: GrpcTerminal, calleeMsisdn: string) {
  const id = randomUUID();
  caller.offer(id, calleeMsisdn);
  await callee.next('offer', id);
  callee.answer(id);
  await caller.next('answer', id);
  return { caller, callee, id };
}
