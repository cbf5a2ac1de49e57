import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession } from '@parley/protocol';
import {
  MemoryStore,
  Messenger,
  ParleyApiError,
  type CacheStore,
  type ConnectionState,
  type Conversation,
  type SendPolicy,
} from '../src/index.js';
import { nodeWebSocket } from '../src/node.js';
import { eventually, startMessagingForTests, type MessagingForTests } from '@parley/testing';

let server: MessagingForTests;
const open: Messenger[] = [];

/**
 * A fetch that can lose the network: while cut, requests fail as the browser's do (TypeError); with
 * `loseAnswers`, requests reach the server but their answers are lost on the way back.
 */
class FlakyNetwork {
  cut = false;
  loseAnswers = 0;
  readonly fetch: typeof fetch = async (input, init) => {
    if (this.cut) throw new TypeError('Failed to fetch');
    const res = await fetch(input, init);
    if (this.loseAnswers > 0 && String(input).endsWith('/messages') && init?.method === 'POST') {
      this.loseAnswers -= 1;
      throw new TypeError('Failed to fetch');
    }
    return res;
  };
}

async function connect(
  session: AuthSession,
  extra: { store?: CacheStore; network?: FlakyNetwork; sendPolicy?: Partial<SendPolicy> } = {},
): Promise<Messenger> {
  const m = await Messenger.connect({
    baseUrl: server.url,
    session,
    createWebSocket: nodeWebSocket,
    store: extra.store,
    fetch: extra.network?.fetch,
    sendPolicy: extra.sendPolicy,
  });
  open.push(m);
  return m;
}

async function pair(annExtra: Parameters<typeof connect>[1] = {}) {
  const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
  const ann = await connect(annS, annExtra);
  const ben = await connect(benS);
  await Promise.all([ann.synced(), ben.synced()]);
  const conv = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
  await eventually(() => ben.conversation(conv.id) !== undefined, 'ben knows the conversation');
  return { annS, benS, ann, ben, conv, benConv: () => ben.conversation(conv.id)! };
}

const texts = (c: Conversation) => c.messages().map((m) => m.text);
const numbered = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);

beforeAll(async () => {
  server = await startMessagingForTests({ label: 'sdk_outbox' });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});
afterAll(async () => server?.stop());

describe('the send outbox', () => {
  it('twenty sends fired at once arrive once each, in the order they were made, on both sides', async () => {
    const { ann, conv, benConv } = await pair();
    const bodies = numbered(20, 'm');
    const sends = bodies.map((b) => conv.sendMessage(b));
    // Shown at once, before any answer, in order.
    expect(conv.outgoingMessages().map((m) => m.parts[0]!.body)).toEqual(bodies);
    const sent = await Promise.all(sends);
    expect(sent.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(texts(conv)).toEqual(bodies);
    await eventually(() => benConv().messages().length === 20, 'ben has all twenty');
    expect(texts(benConv())).toEqual(bodies);
    expect(conv.outgoingMessages()).toEqual([]);
    expect(ann.outgoingMessages()).toEqual([]);
  });

  it('keeps sends made while the API is unreachable and delivers them in order once it answers', async () => {
    const network = new FlakyNetwork();
    const { ann, conv, benConv } = await pair({ network });
    const states: ConnectionState[] = [];
    ann.on('stateChanged', (s) => states.push(s));

    network.cut = true;
    const bodies = numbered(5, 'offline ');
    const sends = bodies.map((b) => conv.sendMessage(b));
    // The live socket is still up, but the API does not answer: the state must not claim 'online'.
    await eventually(() => ann.state === 'offline', 'state turns offline');
    expect(conv.outgoingMessages().map((m) => m.parts[0]!.body)).toEqual(bodies);
    expect(conv.outgoingMessages()[0]!.lastError).toMatchObject({ status: 0, retryable: true });

    network.cut = false;
    await Promise.all(sends);
    await eventually(() => ann.state === 'online', 'state back to online');
    expect(states).toEqual(['offline', 'online']);
    await eventually(() => benConv().messages().length === 5, 'ben has all five');
    expect(texts(benConv())).toEqual(bodies);
  });

  it('an answer lost on the way back is retried with the same id and stored once', async () => {
    const network = new FlakyNetwork();
    const { conv, benConv } = await pair({ network });
    network.loseAnswers = 2;
    await conv.sendMessage('stored on the first try');
    await conv.sendMessage('and the next one');
    await eventually(() => benConv().messages().length === 2, 'ben has both');
    const events = await conv.retransmitEvents(1, 10);
    expect(events.events.filter((e) => e.type === 'message.sent')).toHaveLength(2);
    expect(texts(benConv())).toEqual(['stored on the first try', 'and the next one']);
  });

  it('survives a restart: what was queued in the cache store goes out from the next session', async () => {
    const store = new MemoryStore();
    const network = new FlakyNetwork();
    const { annS, ann, conv, benConv } = await pair({ store, network });
    network.cut = true;
    const bodies = ['typed', 'before', 'closing'];
    for (const b of bodies) void conv.sendMessage(b).catch(() => undefined);
    await eventually(() => conv.outgoingMessages()[0]?.attempts === 1, 'first attempt failed');
    await ann.close();
    expect((await store.loadOutbox()).map((m) => m.parts[0]!.body)).toEqual(bodies);

    const again = await connect(annS, { store });
    expect(
      again
        .conversation(conv.id)!
        .outgoingMessages()
        .map((m) => m.parts[0]!.body),
    ).toEqual(bodies);
    await eventually(() => benConv().messages().length === 3, 'ben has the three');
    expect(texts(benConv())).toEqual(bodies);
    await eventually(() => again.conversation(conv.id)!.outgoingMessages().length === 0, 'outbox empty');
    await eventually(async () => (await store.loadOutbox()).length === 0, 'stored outbox empty');
  });

  it('gives up only after the window, marks the send failed, and sends it on retry', async () => {
    const network = new FlakyNetwork();
    const { conv, benConv } = await pair({
      network,
      sendPolicy: { giveUpAfterMs: 600, minRetryDelayMs: 50, maxRetryDelayMs: 100 },
    });
    network.cut = true;
    const err = await conv.sendMessage('late').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyApiError);
    const [failed] = conv.outgoingMessages();
    expect(failed).toMatchObject({ status: 'failed', lastError: { status: 0 } });
    expect(failed!.attempts).toBeGreaterThan(1);

    network.cut = false;
    expect(conv.retrySend(failed!.clientMessageId)).toBe(true);
    await eventually(() => benConv().messages().length === 1, 'ben has it after the retry');
    expect(texts(benConv())).toEqual(['late']);
    await eventually(() => conv.outgoingMessages().length === 0, 'outbox empty');
  });

  it('a send the server refuses fails at once with its reason and does not hold back the next', async () => {
    const { conv, benConv } = await pair();
    const refused = conv.sendMessage('   ').catch((e: unknown) => e);
    const next = conv.sendMessage('after the refused one');
    const err = (await refused) as ParleyApiError;
    expect(err.status).toBe(400);
    await next;
    const [failed] = conv.outgoingMessages();
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: { status: 400, retryable: false },
    });
    expect(conv.discardSend(failed!.clientMessageId)).toBe(true);
    expect(conv.outgoingMessages()).toEqual([]);
    await eventually(() => benConv().messages().length === 1, 'ben has the good one');
    expect(texts(benConv())).toEqual(['after the refused one']);
  });
});
