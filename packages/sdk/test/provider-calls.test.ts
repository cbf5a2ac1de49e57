// Provider calls, video and push through the webhook gateway. The gateway is a local fake that parses every
// request with the protocol's schemas and publishes provider.call.updated.v1 on the bus as the real one does;
// messaging is the real service, so a call's voip-link message and its edits reach the SDK as they would in
// production, and a CallLink follows them.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, Topics } from '@parley/event-bus';
import {
  PushSubscriptionRequest,
  StartProviderCallRequest,
  StartVideoCallRequest,
  type AuthSession,
} from '@parley/protocol';
import { eventually, startMessagingForTests, testRedisUrl, type MessagingForTests } from '@parley/testing';
import {
  GatewayNotConfiguredError,
  MemoryStore,
  Messenger,
  ParleyApiError,
  type CacheStore,
  type CallLink,
  type Conversation,
  type Message,
} from '../src/index.js';
import { nodeWebSocket } from '../src/node.js';
import { FakeGateway, VAPID_PUBLIC_KEY } from './fake-gateway.js';

let messaging: MessagingForTests | undefined;
let bus: EventBus | undefined;
let gateway: FakeGateway;
let baseUrl = '';
const open: { close(): unknown }[] = [];

beforeAll(async () => {
  messaging = await startMessagingForTests({ label: 'sdk_provider_calls' });
  baseUrl = messaging.url;
  const publisher = new EventBus({ redisUrl: testRedisUrl, prefix: messaging.redisPrefix });
  bus = publisher;
  gateway = new FakeGateway(async (update) => {
    await publisher.publish(Topics.providerCallUpdated, { id: randomUUID(), payload: update });
  });
  await gateway.start();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await gateway?.stop();
  await bus?.close();
  await messaging?.stop();
});

function signUp(name: string): Promise<AuthSession> {
  return messaging!.signUp(name);
}

async function connect(
  session: AuthSession,
  extra: { gatewayUrl?: string | undefined; store?: CacheStore } = { gatewayUrl: gateway.url },
): Promise<Messenger> {
  const m = await Messenger.connect({ baseUrl, session, createWebSocket: nodeWebSocket, ...extra });
  open.push(m);
  await m.synced();
  return m;
}

/** Two users in a group conversation, both connected with the gateway configured. */
async function pair() {
  const [annS, benS] = await Promise.all([signUp('ann'), signUp('ben')]);
  const [ann, ben] = await Promise.all([connect(annS), connect(benS)]);
  const conversation = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
  return { annS, benS, ann, ben, conversation };
}

/** The call's voip-link message once it reached `m`'s copy of the conversation. */
async function callMessage(m: Messenger, conversationId: string, callId: string): Promise<Message> {
  return eventually(
    () =>
      m
        .conversation(conversationId)
        ?.messages()
        .find((x) => x.clientMessageId === `voip-link:${callId}`),
    'the call’s voip-link message',
  );
}

describe('provider calls in a conversation', () => {
  it('startCall posts the protocol request with the session’s token and returns the gateway’s call', async () => {
    const { annS, ann, conversation } = await pair();
    const call = await conversation.startCall({ provider: 'livekit', media: 'audio' });
    expect(call).toMatchObject({
      conversationId: conversation.id,
      createdBy: annS.user.id,
      provider: 'livekit',
      media: 'audio',
      status: 'created',
    });
    const [request] = gateway
      .requestsTo('POST /v1/calls')
      .filter((r) => r.authorization?.includes(ann.session.tokens.access_token));
    expect(request?.contentType).toBe('application/json');
    expect(StartProviderCallRequest.parse(request?.body)).toEqual({
      conversationId: conversation.id,
      provider: 'livekit',
      media: 'audio',
    });
    // Defaults: video, and no provider, so the gateway's configured default decides.
    await conversation.startCall();
    expect(gateway.requestsTo('POST /v1/calls').at(-1)?.body).toEqual({
      conversationId: conversation.id,
      media: 'video',
    });
  });

  it('lists the providers the gateway offers', async () => {
    const { ann } = await pair();
    expect(await ann.callProviders()).toEqual({ providers: ['parley', 'livekit'], default: 'parley' });
    expect(gateway.requestsTo('GET /v1/providers')).toHaveLength(1);
  });

  it('a CallLink follows the message as the gateway edits it: started with participants on join, ended with its duration', async () => {
    const { annS, benS, ann, ben, conversation } = await pair();
    const call = await conversation.startCall({ provider: 'livekit' });
    const message = await callMessage(ben, conversation.id, call.id);
    expect(message.senderId).toBe(annS.user.id);
    const link = ben.conversation(conversation.id)!.callLink(message.id)!;
    expect(link).toMatchObject({
      provider: 'livekit',
      callId: call.roomId,
      joinUrl: call.joinUrl,
      status: 'created',
      media: 'video',
      gatewayCallId: call.id,
    });
    const statuses: string[] = [];
    link.on('changed', (l) => statuses.push(l.status));

    const joined = await link.join();
    expect(joined.call.id).toBe(call.id);
    expect(joined.access.identity).toBe(benS.user.id);
    expect(gateway.requestsTo(`POST /v1/calls/${call.id}/join`)).toHaveLength(1);
    await eventually(() => link.status === 'started', 'the card shows the call started');
    expect(link.participants).toEqual([benS.user.id]);
    expect(link.startedAt).not.toBeNull();

    const annLink = ann.conversation(conversation.id)!.callLink(message.id)!;
    await eventually(() => annLink.status === 'started', 'the caller’s card shows it started too');
    const before = await annLink.end();
    expect(before.status).toBe('started');
    await eventually(() => link.status === 'ended', 'the card shows the call ended');
    expect(link).toMatchObject({ durationSeconds: 125, finished: true, participants: [] });
    expect(link.endedAt).not.toBeNull();
    expect(statuses).toEqual(['started', 'ended']);
    // Still one message: the card was edited in place.
    expect(
      ben
        .conversation(conversation.id)!
        .messages()
        .filter((m) => m.clientMessageId === `voip-link:${call.id}`),
    ).toHaveLength(1);
  });

  it('leave() posts to the call and the card drops the participant', async () => {
    const { benS, ben, conversation } = await pair();
    const call = await conversation.startCall();
    const message = await callMessage(ben, conversation.id, call.id);
    const link: CallLink = ben.conversation(conversation.id)!.callLink(message.id)!;
    await link.join();
    await eventually(() => link.participants.includes(benS.user.id), 'ben in the call');
    await link.leave();
    expect(gateway.requestsTo(`POST /v1/calls/${call.id}/leave`)).toHaveLength(1);
    await eventually(() => link.participants.length === 0, 'ben out of the call');
    expect(link.status).toBe('started');
  });

  it('a device that was offline catches the edits up and its CallLink shows the ended call', async () => {
    const { benS, ann, conversation } = await pair();
    const store = new MemoryStore();
    const ben = await connect(benS, { gatewayUrl: gateway.url, store });
    const call = await conversation.startCall();
    await callMessage(ben, conversation.id, call.id);
    await ben.close();

    const annMessage = await callMessage(ann, conversation.id, call.id);
    const annLink = ann.conversation(conversation.id)!.callLink(annMessage.id)!;
    await annLink.join();
    await eventually(() => annLink.status === 'started', 'started');
    await annLink.end();
    await eventually(() => annLink.status === 'ended', 'ended');

    // Back online from the cache: the card starts as it was cached and follows the replayed edits.
    const again = await Messenger.connect({
      baseUrl,
      session: benS,
      createWebSocket: nodeWebSocket,
      gatewayUrl: gateway.url,
      store,
    });
    open.push(again);
    const cached: Conversation = again.conversation(conversation.id)!;
    const link = cached.callLink(annMessage.id)!;
    expect(link.status).toBe('created');
    const statuses: string[] = [];
    link.on('changed', (l) => statuses.push(l.status));
    await again.synced();
    await eventually(() => link.status === 'ended', 'the caught-up card ended');
    expect(statuses.at(-1)).toBe('ended');
  });

  it('without gatewayUrl, startCall, video and push reject with GatewayNotConfiguredError', async () => {
    const annS = await signUp('ann');
    const ann = await connect(annS, {});
    const conversation = await ann.createConversation({ type: 'group' });
    const err = await conversation.startCall().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayNotConfiguredError);
    expect((err as Error).message).toMatch(
      /conversation\.startCall\(\) needs the webhook gateway: pass gatewayUrl/,
    );
    await expect(ann.video.token()).rejects.toBeInstanceOf(GatewayNotConfiguredError);
    await expect(ann.push.vapidPublicKey()).rejects.toBeInstanceOf(GatewayNotConfiguredError);
  });

  it('a gateway error comes back as a ParleyApiError with its status', async () => {
    const annS = await signUp('ann');
    const ann = await connect(annS);
    const conversation = await ann.createConversation({ type: 'group' });
    const err = await conversation.startCall({ provider: 'Not A Provider' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyApiError);
    expect((err as ParleyApiError).status).toBe(400);
  });
});

describe('video', () => {
  it('token() is fetched once and shared, including by concurrent callers, until its renewal is due', async () => {
    const ann = await connect(await signUp('ann'));
    const issued = gateway.tokensIssued;
    const [a, b, c] = await Promise.all([ann.video.token(), ann.video.token(), ann.video.token()]);
    expect(gateway.tokensIssued).toBe(issued + 1);
    expect(new Set([a.token, b.token, c.token]).size).toBe(1);
    expect((await ann.video.token()).token).toBe(a.token);
    expect(gateway.tokensIssued).toBe(issued + 1);
    // 600 s tokens are renewed at 80 % of their lifetime.
    const renewsIn = ann.video.tokenRenewsAt()! - Date.now();
    expect(renewsIn).toBeGreaterThan(470_000);
    expect(renewsIn).toBeLessThanOrEqual(480_000);
    const token = gateway.requests.filter((r) => r.path === '/v1/video/token').at(-1);
    expect(token?.method).toBe('POST');
    expect(token?.body).toEqual({});
    // A named provider is a token of its own.
    const twilio = await ann.video.token('twilio');
    expect(twilio.provider).toBe('twilio');
    expect(gateway.requests.filter((r) => r.path === '/v1/video/token').at(-1)?.body).toEqual({
      provider: 'twilio',
    });
  });

  it('identity, call, answer and decline use the gateway’s routes and bodies', async () => {
    const { annS, benS, ann, ben, conversation } = await pair();
    const identity = await ann.video.identity(benS.user.id);
    expect(identity.userId).toBe(benS.user.id);
    expect(gateway.requestsTo(`GET /v1/video/identity/${benS.user.id}`)).toHaveLength(1);

    const invite = await ann.video.call(conversation.id, benS.user.id);
    expect(invite).toMatchObject({ callerId: annS.user.id, calleeId: benS.user.id, status: 'inviting' });
    expect(StartVideoCallRequest.parse(gateway.requestsTo('POST /v1/video/calls').at(-1)?.body)).toEqual({
      conversationId: conversation.id,
      calleeId: benS.user.id,
    });
    expect(await ben.video.invite(invite.id)).toEqual(invite);
    expect(gateway.requestsTo(`GET /v1/video/calls/${invite.id}`)).toHaveLength(1);
    expect((await ben.video.answer(invite.id)).status).toBe('answered');
    expect(gateway.requestsTo(`POST /v1/video/calls/${invite.id}/answer`)).toHaveLength(1);
    const second = await ann.video.call(conversation.id, benS.user.id, { provider: 'twilio' });
    expect(gateway.requestsTo('POST /v1/video/calls').at(-1)?.body).toMatchObject({ provider: 'twilio' });
    expect((await ben.video.decline(second.id)).status).toBe('declined');
    expect(gateway.requestsTo(`POST /v1/video/calls/${second.id}/decline`)).toHaveLength(1);
  });
});

describe('push', () => {
  const subscription = {
    endpoint: 'https://push.example.com/send/abc123',
    expirationTime: null,
    keys: {
      p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
      auth: 'tBHItJI5svbpez7KI4CCXg',
    },
  };

  it('reads the VAPID key, registers a subscription with the protocol body and deletes it', async () => {
    const ann = await connect(await signUp('ann'));
    expect(await ann.push.vapidPublicKey()).toBe(VAPID_PUBLIC_KEY);
    const record = await ann.push.subscribe(subscription);
    expect(record.endpoint).toBe(subscription.endpoint);
    expect(
      PushSubscriptionRequest.parse(gateway.requestsTo('POST /v1/push/subscriptions').at(-1)?.body),
    ).toEqual(subscription);
    expect(await ann.push.subscriptions()).toEqual([record]);
    await ann.push.unsubscribe(record.id);
    expect(await ann.push.subscriptions()).toEqual([]);
    const deleted = gateway.requestsTo(`DELETE /v1/push/subscriptions/${record.id}`);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]?.body).toBeUndefined();
  });

  it('refuses a subscription without keys before sending anything', async () => {
    const ann = await connect(await signUp('ann'));
    const sent = gateway.requestsTo('POST /v1/push/subscriptions').length;
    const err = await ann.push.subscribe({ endpoint: subscription.endpoint }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyApiError);
    expect((err as ParleyApiError).status).toBe(400);
    expect((err as ParleyApiError).issues[0]?.path).toBe('keys');
    expect(gateway.requestsTo('POST /v1/push/subscriptions')).toHaveLength(sent);
  });

  it('subscribeThisDevice subscribes the registration with the VAPID key as bytes and registers it', async () => {
    const ann = await connect(await signUp('ann'));
    const asked: Array<{ userVisibleOnly: boolean; applicationServerKey: Uint8Array | string }> = [];
    const registration = {
      pushManager: {
        subscribe: async (options: {
          userVisibleOnly: boolean;
          applicationServerKey: Uint8Array | string;
        }) => {
          asked.push(options);
          return { toJSON: () => subscription };
        },
      },
    };
    const record = await ann.push.subscribeThisDevice(registration);
    expect(record.endpoint).toBe(subscription.endpoint);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.userVisibleOnly).toBe(true);
    const key = asked[0]!.applicationServerKey as Uint8Array;
    expect(Buffer.from(key).toString('base64url')).toBe(VAPID_PUBLIC_KEY);
    expect(key).toHaveLength(65); // an uncompressed P-256 public key
  });
});
