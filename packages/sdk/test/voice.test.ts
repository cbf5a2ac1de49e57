// Voice negotiation against the real messaging service: two users in a direct conversation exchange
// start/accept/busy/stop with the helpers over real WebSockets, refusals surface as typed errors, and a
// machine client (client-credentials token) receives the signals addressed to its client id.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession, SendVoiceSignalRequest } from '@parley/protocol';
import {
  allocateTestNamespace,
  eventually,
  startMessagingForTests,
  type MessagingForTests,
} from '@parley/testing';
import {
  MachineClient,
  Messenger,
  ParleyApiError,
  type FetchLike,
  type VoiceSignal,
  type WebSocketFactory,
  type WebSocketLike,
} from '../src/index.js';
import { connectMachineClient, nodeWebSocket } from '../src/node.js';

const PROXY = { id: 'sdk-test-proxy', secret: 'sdk-test-proxy-secret-0123456789' };

const ns = allocateTestNamespace('sdk_voice');
let messaging: MessagingForTests | undefined;
let baseUrl = '';
const open: { close(): unknown }[] = [];

/** The built messaging service in this file's namespace (nodes share it), with the test proxy registered. */
function startMessaging(env: Record<string, string> = {}): Promise<MessagingForTests> {
  return startMessagingForTests({
    label: 'sdk_voice',
    ns,
    oauthClients: [{ ...PROXY, scopes: ['voice.proxy'] }],
    env,
  });
}

beforeAll(async () => {
  messaging = await startMessaging();
  baseUrl = messaging.url;
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await messaging?.stop();
  await ns.cleanup();
});

function signUp(name: string): Promise<AuthSession> {
  return messaging!.signUp(name);
}

async function connect(
  session: AuthSession,
  extra: { fetch?: FetchLike; createWebSocket?: WebSocketFactory } = {},
): Promise<Messenger> {
  const m = await Messenger.connect({
    baseUrl,
    session,
    createWebSocket: nodeWebSocket,
    voiceRetry: { minDelayMs: 10, maxDelayMs: 20 },
    ...extra,
  });
  open.push(m);
  await m.synced();
  return m;
}

/** Two users with a direct conversation, both connected. */
async function pair() {
  const [annS, benS] = await Promise.all([signUp('ann'), signUp('ben')]);
  const [ann, ben] = await Promise.all([connect(annS), connect(benS)]);
  const conv = await ann.createConversation({ type: 'direct', participants: [benS.user.id], distinct: true });
  return { annS, benS, ann, ben, cid: conv.id };
}

/** Every handler call a Messenger's voice gets, as [kind, ...arguments]. */
function recordCalls(m: Messenger | MachineClient): unknown[][] {
  const calls: unknown[][] = [];
  const voice = m.voice();
  voice.onStart((...args) => void calls.push(['start', ...args]));
  voice.onAccept((...args) => void calls.push(['accept', ...args]));
  voice.onBusy((...args) => void calls.push(['busy', ...args]));
  voice.onStop((...args) => void calls.push(['stop', ...args]));
  voice.onSetup((...args) => void calls.push(['setup', ...args]));
  voice.onSummary((...args) => void calls.push(['summary', ...args]));
  return calls;
}

let doubledVoiceFrames = 0;

/** A `ws` socket that delivers every voice frame twice, the way a signal sent again would arrive. */
function doublingVoiceFrames(url: string): WebSocketLike {
  const inner = nodeWebSocket(url);
  const outer: WebSocketLike = {
    get readyState() {
      return inner.readyState;
    },
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send: (data) => inner.send(data),
    close: (code, reason) => inner.close(code, reason),
  };
  inner.onopen = (ev) => outer.onopen?.(ev);
  inner.onmessage = (ev) => {
    outer.onmessage?.(ev);
    if (!String(ev.data).includes('"type":"voice"')) return;
    doubledVoiceFrames++;
    outer.onmessage?.(ev);
  };
  inner.onclose = (ev) => outer.onclose?.(ev);
  inner.onerror = (ev) => outer.onerror?.(ev);
  return outer;
}

/** The refusal a promise rejects with. */
async function refusal(promise: Promise<unknown>): Promise<ParleyApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParleyApiError);
  return err as ParleyApiError;
}

describe('voice signals between two users', () => {
  it('exchange start, accept, busy and stop, handlers getting the seed’s arguments in order', async () => {
    const { annS, benS, ann, ben, cid } = await pair();
    const atAnn = recordCalls(ann);
    const atBen = recordCalls(ben);

    const sent = await ann
      .voice()
      .start(benS.user.id, cid, 'call-1', 'v=0 ann offer', { caller_name: 'Ann' });
    expect(sent).toMatchObject({
      delivered: true,
      signal: { kind: 'start', iss: annS.user.id, issKind: 'user', to: benS.user.id, toKind: 'user' },
    });
    await eventually(() => atBen.length === 1, 'ben hears the start');
    const start = atBen[0]!;
    expect(start.slice(0, 6)).toEqual([
      'start',
      annS.user.id,
      cid,
      'call-1',
      'v=0 ann offer',
      { caller_name: 'Ann' },
    ]);
    expect(start[6]).toMatchObject({ id: sent.signal.id, kind: 'start', issKind: 'user', cid });

    await ben.voice().accept(annS.user.id, cid, 'call-1', 'v=0 ben answer');
    await ben.voice().busy(annS.user.id, cid, 'call-2', { reason: 'on another call' });
    await ann.voice().stop(benS.user.id, cid, 'call-1');
    await eventually(() => atAnn.length === 2 && atBen.length === 2, 'the answers and the hang-up arrive');

    expect(atAnn.map((call) => call.slice(0, -1))).toEqual([
      ['accept', benS.user.id, cid, 'call-1', 'v=0 ben answer', undefined],
      ['busy', benS.user.id, cid, 'call-2', { reason: 'on another call' }],
    ]);
    expect(atBen[1]!.slice(0, -1)).toEqual(['stop', annS.user.id, cid, 'call-1', undefined]);
    expect((atBen[1]!.at(-1) as VoiceSignal).kind).toBe('stop');
  });

  it('fires handlers once when the same signal arrives twice', async () => {
    const [annS, benS] = await Promise.all([signUp('ann'), signUp('ben')]);
    // Ben's socket hands every voice frame to the SDK twice, as a re-sent signal would arrive.
    const ann = await connect(annS);
    const ben = await connect(benS, { createWebSocket: doublingVoiceFrames });
    const cid = (
      await ann.createConversation({ type: 'direct', participants: [benS.user.id], distinct: true })
    ).id;
    const atBen = recordCalls(ben);

    await ann.voice().stop(benS.user.id, cid, 'call-1');
    await ann.voice().stop(benS.user.id, cid, 'call-2');
    await eventually(() => atBen.some((c) => c[3] === 'call-2'), 'the later signal arrives');
    expect(doubledVoiceFrames).toBe(2);
    expect(atBen.map((c) => c[3])).toEqual(['call-1', 'call-2']);
  });

  it('sends again with the same id when the first try gets no answer, and the recipient hears it once', async () => {
    const [annS, benS] = await Promise.all([signUp('ann'), signUp('ben')]);
    const bodies: SendVoiceSignalRequest[] = [];
    let failNext = true;
    const flakyFetch: FetchLike = async (input, init) => {
      if (String(input).endsWith('/v1/voice/signals')) {
        bodies.push(JSON.parse(String(init?.body)) as SendVoiceSignalRequest);
        if (failNext) {
          failNext = false;
          throw new TypeError('fetch failed');
        }
      }
      return fetch(input, init);
    };
    const ann = await connect(annS, { fetch: flakyFetch });
    const ben = await connect(benS);
    const cid = (
      await ann.createConversation({ type: 'direct', participants: [benS.user.id], distinct: true })
    ).id;
    const atBen = recordCalls(ben);

    const sent = await ann.voice().busy(benS.user.id, cid, 'call-1');
    expect(bodies).toHaveLength(2);
    expect(bodies[1]!.id).toBe(bodies[0]!.id);
    expect(sent.signal.id).toBe(bodies[0]!.id);
    await ann.voice().busy(benS.user.id, cid, 'call-2');
    await eventually(() => atBen.some((c) => c[3] === 'call-2'), 'the later signal arrives');
    expect(atBen.map((c) => c[3])).toEqual(['call-1', 'call-2']);
  });
});

describe('voice signals the server refuses', () => {
  it('surface as ParleyApiError with the server’s status, sent once each', async () => {
    const { benS, ann, cid } = await pair();
    const carolS = await signUp('carol');
    let posts = 0;
    const countingFetch: FetchLike = async (input, init) => {
      if (String(input).endsWith('/v1/voice/signals')) posts++;
      return fetch(input, init);
    };
    const carol = await connect(carolS, { fetch: countingFetch });

    const notParticipant = await refusal(carol.voice().start(benS.user.id, cid, 'call-1', 'v=0 offer'));
    expect(notParticipant.status).toBe(403);
    expect(notParticipant.retryable).toBe(false);
    expect(posts).toBe(1);

    const unknownRecipient = await refusal(ann.voice().start(randomUUID(), cid, 'call-1', 'v=0 offer'));
    expect(unknownRecipient.status).toBe(404);

    const invalid = await refusal(ann.voice().stop(benS.user.id, 'not-a-conversation-id', 'call 1'));
    expect(invalid.status).toBe(400);
    expect(invalid.issues.map((i) => i.path).sort()).toEqual(['body.call_id', 'body.cid']);
  });
});

describe('a machine client', () => {
  it('receives the signals addressed to its client id and answers as itself', async () => {
    const { annS, ann, cid } = await pair();
    const proxy = await connectMachineClient({ baseUrl, clientId: PROXY.id, clientSecret: PROXY.secret });
    open.push(proxy);
    expect(proxy.scopes).toEqual(['voice.proxy']);
    await proxy.ready();
    const atProxy = recordCalls(proxy);
    const atAnn = recordCalls(ann);

    await ann.voice().start(PROXY.id, cid, 'call-1', 'v=0 ann offer');
    await eventually(() => atProxy.length === 1, 'the proxy hears the start');
    expect(atProxy[0]!.slice(0, 6)).toEqual([
      'start',
      annS.user.id,
      cid,
      'call-1',
      'v=0 ann offer',
      undefined,
    ]);
    expect(atProxy[0]![6]).toMatchObject({ issKind: 'user', to: PROXY.id, toKind: 'client' });

    const answer = await proxy.voice().accept(annS.user.id, cid, 'call-1', 'v=0 proxy answer');
    expect(answer.signal).toMatchObject({ iss: PROXY.id, issKind: 'client' });
    await eventually(() => atAnn.length === 1, 'ann hears the proxy accept');
    expect(atAnn[0]!.slice(0, 6)).toEqual(['accept', PROXY.id, cid, 'call-1', 'v=0 proxy answer', undefined]);
  });

  it('is refused with a typed error when its secret is wrong', async () => {
    const err = await refusal(
      connectMachineClient({ baseUrl, clientId: PROXY.id, clientSecret: 'not-the-secret-at-all' }),
    );
    expect(err.status).toBe(401);
  });
});

describe('a machine client with short-lived tokens', () => {
  it('asks for new tokens before they expire and stays connected and reachable', async () => {
    // A second node of the same deployment whose tokens live 10 s, the shortest the service allows.
    const shortLived = await startMessaging({ ACCESS_TOKEN_TTL_SECONDS: '10' });
    try {
      let tokenRequests = 0;
      const countingFetch: FetchLike = async (input, init) => {
        if (String(input).endsWith('/oauth/token')) tokenRequests++;
        return fetch(input, init);
      };
      const proxy = await connectMachineClient({
        baseUrl: shortLived.url,
        clientId: PROXY.id,
        clientSecret: PROXY.secret,
        fetch: countingFetch,
      });
      open.push(proxy);
      const states: string[] = [];
      proxy.on('stateChanged', (state) => states.push(state));
      await proxy.ready();
      // Renewed halfway through each token's life: the third is asked for once the first has expired.
      await eventually(() => tokenRequests >= 3, 'two renewals', 30_000);
      expect(states).not.toContain('offline');
      expect(proxy.state).toBe('online');

      const annS = await signUp('ann');
      const ann = await connect(annS);
      const cid = (await ann.createConversation({ type: 'group', participants: [] })).id;
      const atProxy = recordCalls(proxy);
      await ann.voice().setup(PROXY.id, cid, 'call-1', { caller_name: 'Ann' });
      await eventually(() => atProxy.length === 1, 'the proxy hears the setup');
      expect(atProxy[0]!.slice(0, 5)).toEqual(['setup', annS.user.id, cid, 'call-1', { caller_name: 'Ann' }]);
    } finally {
      await Promise.all(open.splice(0).map((c) => c.close()));
      await shortLived.service.stop();
    }
  }, 60_000);
});
