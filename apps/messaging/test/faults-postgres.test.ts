// PostgreSQL stopped and crashed under messaging (its own cluster, never the machine's shared one): requests
// meanwhile answer a retryable 503, the SDK resends with the same clientMessageId, and once the database is
// back every message is stored exactly once with contiguous seqs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@parley/db';
import type { AuthSession } from '@parley/protocol';
import { Messenger, type SendPolicy } from '@parley/sdk';
import { nodeWebSocket } from '@parley/sdk/node';
import {
  allocateTestNamespace,
  eventually,
  readReadiness,
  startMessagingForTests,
  startPrivatePostgres,
  type MessagingForTests,
  type PrivatePostgres,
  type TestNamespace,
} from '@parley/testing';

let postgres: PrivatePostgres;
let ns: TestNamespace;
let messaging: MessagingForTests;
let db: Database;
const open: Messenger[] = [];

/** Every answer to a message send, as the client saw it. */
interface SendAnswer {
  clientMessageId: string;
  status: number;
  code?: string;
  retryAfter: string | null;
}

/** The fetch a Messenger uses, recording each message send's answer. */
function recordingFetch(answers: SendAnswer[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (init?.method === 'POST' && /\/v1\/conversations\/[^/]+\/messages$/.test(String(input))) {
      const { clientMessageId } = JSON.parse(String(init.body)) as { clientMessageId: string };
      const body = res.ok ? undefined : ((await res.clone().json()) as { code?: string });
      answers.push({
        clientMessageId,
        status: res.status,
        ...(body?.code ? { code: body.code } : {}),
        retryAfter: res.headers.get('retry-after'),
      });
    }
    return res;
  };
}

async function connect(
  session: AuthSession,
  extra: { fetch?: typeof fetch; sendPolicy?: Partial<SendPolicy> } = {},
): Promise<Messenger> {
  const messenger = await Messenger.connect({
    baseUrl: messaging.url,
    session,
    createWebSocket: nodeWebSocket,
    ...extra,
  });
  open.push(messenger);
  return messenger;
}

async function post(path: string, token: string, body: unknown) {
  const res = await fetch(`${messaging.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    // An answer is expected promptly whether the database is up or not: a hang fails here.
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

const text = (clientMessageId: string, body: string) => ({
  clientMessageId,
  parts: [{ mimeType: 'text/plain', body }],
});

async function storedMessages(conversationId: string) {
  const { rows } = await db.query<{ client_message_id: string; seq: string }>(
    'SELECT client_message_id, seq::text AS seq FROM messages m WHERE conversation_id = $1 ORDER BY m.seq',
    [conversationId],
  );
  return rows.map((r) => ({ clientMessageId: r.client_message_id, seq: Number(r.seq) }));
}

async function eventSeqs(conversationId: string): Promise<number[]> {
  const { rows } = await db.query<{ seq: string }>(
    'SELECT seq::text AS seq FROM events e WHERE conversation_id = $1 ORDER BY e.seq',
    [conversationId],
  );
  return rows.map((r) => Number(r.seq));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  // The schema lives in the private cluster, which is removed as a whole.
  ns = allocateTestNamespace('faults_pg', { databaseUrl: null });
  messaging = await startMessagingForTests({ label: 'faults_pg', ns, env: { DATABASE_URL: postgres.url } });
  db = await openDatabase({ url: postgres.url, schema: ns.schema });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(open.splice(0).map((m) => m.close()));
  await db?.close();
  await messaging?.stop();
  await ns?.cleanup();
  await postgres?.cleanup();
});

describe('PostgreSQL goes away under messaging', () => {
  it('a send while it is down answers 503 database_unavailable with a Retry-After, and is stored once after', async () => {
    const ann = await messaging.signUp('ann');
    const token = ann.tokens.access_token;
    const conv = await post('/v1/conversations', token, { type: 'group', participants: [] });
    expect(conv.status).toBe(201);
    const path = `/v1/conversations/${conv.body.id}/messages`;

    await postgres.stop();
    const duringOutage = await post(path, token, text('while-down', 'sent while the database is down'));
    expect(duringOutage.status).toBe(503);
    expect(duringOutage.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(duringOutage.body).toMatchObject({ code: 'database_unavailable', statusCode: 503 });
    expect(JSON.stringify(duringOutage.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    // A read is refused the same way.
    const read = await fetch(`${messaging.url}/v1/conversations/${conv.body.id}/messages`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(20_000),
    });
    expect(read.status).toBe(503);
    expect(((await read.json()) as { code: string }).code).toBe('database_unavailable');
    // Readiness says which dependency is missing, so a load balancer takes the node out meanwhile.
    const ready = await fetch(`${messaging.url}/health/ready`, { signal: AbortSignal.timeout(20_000) });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      checks: { postgres: { status: 'down' }, redis: { status: 'up' } },
    });

    await postgres.start();
    const retried = await eventually(async () => {
      const res = await post(path, token, text('while-down', 'sent while the database is down'));
      return res.status === 201 || res.status === 200 ? res : undefined;
    }, 'the retried send accepted');
    const again = await post(path, token, text('while-down', 'sent while the database is down'));
    expect(again.body.id).toBe(retried.body.id);
    expect(await storedMessages(conv.body.id)).toEqual([{ clientMessageId: 'while-down', seq: 2 }]);
    expect(await eventSeqs(conv.body.id)).toEqual([1, 2]);
  }, 60_000);

  it('SDK sends from two users across a crash and restart are each stored exactly once, with contiguous seqs, and reach both', async () => {
    const [annSession, benSession] = await Promise.all([messaging.signUp('ann'), messaging.signUp('ben')]);
    const answers: SendAnswer[] = [];
    const sendPolicy = { minRetryDelayMs: 100, maxRetryDelayMs: 1000, giveUpAfterMs: 60_000 };
    const ann = await connect(annSession, { fetch: recordingFetch(answers), sendPolicy });
    const ben = await connect(benSession, { fetch: recordingFetch(answers), sendPolicy });
    await Promise.all([ann.synced(), ben.synced()]);
    const annConv = await ann.createConversation({ type: 'group', participants: [benSession.user.id] });
    const benConv = await eventually(() => ben.conversation(annConv.id), 'ben knows the conversation');

    const annBodies = range(1, 20).map((i) => `a${String(i).padStart(2, '0')}`);
    const benBodies = range(1, 20).map((i) => `b${String(i).padStart(2, '0')}`);
    const annSends = annBodies.map((body) => annConv.sendMessage(body));
    const benSends = benBodies.map((body) => benConv.sendMessage(body));
    const accepted = () => answers.filter((a) => a.status === 201 || a.status === 200).length;
    await eventually(() => accepted() >= 6, 'some sends accepted before the crash', 30_000);

    await postgres.kill();
    await eventually(() => answers.some((a) => a.status === 503), 'a send refused during the outage', 30_000);
    await postgres.start();

    const [annStored, benStored] = await Promise.all([Promise.all(annSends), Promise.all(benSends)]);
    expect(annStored.map((m) => m.text)).toEqual(annBodies);
    expect(benStored.map((m) => m.text)).toEqual(benBodies);
    const stored = [...annStored, ...benStored];

    // Every answer that was not an acceptance was the retryable one, and each refused send went again
    // under the same clientMessageId until it was accepted.
    const refusals = answers.filter((a) => a.status >= 300);
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ status: 503, code: 'database_unavailable' });
      expect(refusal.retryAfter).toMatch(/^[1-9]\d*$/);
    }
    const ids = stored.map((m) => m.clientMessageId);
    const resent = new Set(refusals.map((r) => r.clientMessageId));
    for (const refused of resent) {
      expect(ids).toContain(refused);
      expect(answers.some((a) => a.clientMessageId === refused && a.status < 300)).toBe(true);
    }

    // Nothing half-stored, nothing twice: each clientMessageId once, and the log without holes.
    const rows = await storedMessages(annConv.id);
    expect(rows.map((r) => r.clientMessageId).sort()).toEqual([...ids].sort());
    const seqs = await eventSeqs(annConv.id);
    expect(seqs).toEqual(range(1, seqs.length));
    expect(new Set(rows.map((r) => r.seq)).size).toBe(stored.length);
    expect(rows.map((r) => r.seq).sort((x, y) => x - y)).toEqual(
      stored.map((m) => m.seq).sort((x, y) => x - y),
    );

    // Both devices end with every message, in seq order, and the outbox drains.
    const inSeqOrder = [...stored].sort((x, y) => x.seq - y.seq).map((m) => m.text);
    for (const view of [annConv, benConv])
      await eventually(
        () => view.messages().length === stored.length && view.lastSeq === seqs.length,
        'every message on each device',
        30_000,
      );
    expect(annConv.messages().map((m) => m.text)).toEqual(inSeqOrder);
    expect(benConv.messages().map((m) => m.text)).toEqual(inSeqOrder);
    await eventually(
      async () => (await readReadiness(messaging.url)).report.details.pendingOutbox === 0,
      'the outbox drained',
      30_000,
    );
    console.info(
      `postgres crash: ${stored.length} sends, ${answers.length} attempts, ${refusals.length} refused with 503, ` +
        `${resent.size} resent; ${seqs.length} events, seqs 1..${seqs.length}`,
    );
  }, 90_000);
});
