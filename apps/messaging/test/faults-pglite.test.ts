// Messaging on embedded PGlite in a directory (what `npm start` runs without DATABASE_URL), killed with
// SIGKILL in the middle of concurrent writes and started again on the same directory: the database opens
// and every message that was acknowledged is there, once, in a log without holes.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationEvent } from '@parley/protocol';
import {
  allocateTestNamespace,
  eventually,
  freePort,
  messagingTestEnv,
  startService,
  type ServiceProcess,
  type TestNamespace,
} from '@parley/testing';
import { ApiClient, type TestUser } from './support/api-client.js';

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

let ns: TestNamespace;
let url: string;
let env: Record<string, string>;
let service: ServiceProcess | undefined;

async function startOnDirectory(): Promise<ServiceProcess> {
  return startService({
    name: 'messaging (PGlite directory)',
    main: mainJs,
    env,
    healthUrl: `${url}/health`,
    // Opening (and recovering) embedded PGlite from disk can take tens of seconds on a busy machine.
    startTimeoutMs: 90_000,
  });
}

interface Acknowledged {
  conversationId: string;
  clientMessageId: string;
  seq: number;
}

/** One user writing to one conversation as fast as the answers come, until the service goes away. */
async function writeUntilGone(
  api: ApiClient,
  user: TestUser,
  conversationId: string,
  acknowledged: Acknowledged[],
): Promise<number> {
  let unanswered = 0;
  for (let i = 1; unanswered === 0; i++) {
    const clientMessageId = `${user.username}-${i}-${randomUUID()}`;
    try {
      const res = await fetch(`${api.baseUrl}/v1/conversations/${conversationId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMessageId, parts: [{ mimeType: 'text/plain', body: clientMessageId }] }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await res.json()) as { seq: number };
      if (res.status !== 201) throw new Error(`send answered ${res.status}: ${JSON.stringify(body)}`);
      acknowledged.push({ conversationId, clientMessageId, seq: body.seq });
    } catch (err) {
      // Only the kill may stop a writer: an error answer while the service is up fails the test.
      if (err instanceof Error && err.message.startsWith('send answered')) throw err;
      unanswered += 1;
    }
  }
  return unanswered;
}

/** The whole event log of a conversation, as a device replaying it would read it. */
async function eventLog(api: ApiClient, token: string, conversationId: string): Promise<ConversationEvent[]> {
  const res = await fetch(`${api.baseUrl}/v1/conversations/${conversationId}/events/stream?fromSeq=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ConversationEvent.parse(JSON.parse(line)));
}

beforeAll(async () => {
  // No schema on the shared PostgreSQL: the data lives in the namespace's directory.
  ns = allocateTestNamespace('faults_pglite', { databaseUrl: null });
  url = `http://127.0.0.1:${await freePort()}`;
  env = messagingTestEnv(ns, {
    PORT: new URL(url).port,
    PGLITE_DIR: ns.tempFile('pglite'),
    LOG_LEVEL: 'warn',
  });
  delete env.DATABASE_URL;
  service = await startOnDirectory();
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await ns?.cleanup();
});

describe('messaging on a PGlite directory killed mid-writes', () => {
  it('opens again on the same directory with every acknowledged message, once, and seqs without holes', async () => {
    const api = new ApiClient(url);
    const users = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((name) => api.newUser(name)));
    const [ann, ben, cat, dan] = users as [TestUser, TestUser, TestUser, TestUser];
    // Two conversations, two writers each: concurrent writes to one log and to two.
    const first = await api.post('/v1/conversations', ann.token, { type: 'group', participants: [ben.id] });
    const second = await api.post('/v1/conversations', cat.token, { type: 'group', participants: [dan.id] });
    expect([first.status, second.status]).toEqual([201, 201]);
    const writerPlan: Array<[TestUser, string]> = [
      [ann, first.body.id],
      [ben, first.body.id],
      [cat, second.body.id],
      [dan, second.body.id],
    ];

    const acknowledged: Acknowledged[] = [];
    const writers = writerPlan.map(([user, conversationId]) =>
      writeUntilGone(api, user, conversationId, acknowledged),
    );
    await eventually(() => acknowledged.length >= 60, 'sixty acknowledged writes', 60_000);
    const killed = service!;
    killed.child.kill('SIGKILL');
    expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const unanswered = await Promise.all(writers);
    // Each writer had a request in flight or made one after the kill: neither was acknowledged.
    expect(unanswered).toEqual([1, 1, 1, 1]);

    service = await startOnDirectory();

    for (const [token, conversationId] of [
      [ann.token, first.body.id],
      [cat.token, second.body.id],
    ] as const) {
      const log = await eventLog(api, token, conversationId);
      const seqs = log.map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      const stored = log.flatMap((e) =>
        e.type === 'message.sent' ? [{ clientMessageId: e.payload.message.clientMessageId, seq: e.seq }] : [],
      );
      expect(new Set(stored.map((m) => m.clientMessageId)).size).toBe(stored.length);
      // Every acknowledged write is there with the seq it was acknowledged with. A write in flight at the
      // kill may or may not have committed; if it did, it is whole.
      const expected = acknowledged.filter((a) => a.conversationId === conversationId);
      expect(stored).toEqual(
        expect.arrayContaining(expected.map(({ clientMessageId, seq }) => ({ clientMessageId, seq }))),
      );
      expect(stored.length - expected.length).toBeLessThanOrEqual(2);
    }

    // The reopened database takes writes, continuing each log.
    const after = await api.post(`/v1/conversations/${first.body.id}/messages`, ann.token, {
      clientMessageId: 'after-restart',
      parts: [{ mimeType: 'text/plain', body: 'after the restart' }],
    });
    expect(after.status).toBe(201);
    const firstLog = await eventLog(api, ann.token, first.body.id);
    expect(after.body.seq).toBe(firstLog.length);
    console.info(
      `pglite kill: ${acknowledged.length} writes acknowledged before SIGKILL, all found after reopening; ` +
        `logs of ${firstLog.length - 1} and ${(await eventLog(api, cat.token, second.body.id)).length} events without holes`,
    );
  }, 110_000);
});
