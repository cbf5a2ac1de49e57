import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationEvent, EVENT_STREAM_LAST_SEQ_HEADER, MessagingLimits } from '@parley/protocol';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';

let svc: MessagingUnderTest;
let ann: TestUser, ben: TestUser, eve: TestUser;

const text = (body: string) => ({
  clientMessageId: `s-${Math.random().toString(36).slice(2)}`,
  parts: [{ mimeType: 'text/plain', body }],
});

beforeAll(async () => {
  svc = await startMessagingUnderTest('sync');
  [ann, ben, eve] = await Promise.all([
    svc.api.newUser('ann'),
    svc.api.newUser('ben'),
    svc.api.newUser('eve'),
  ]);
});
afterAll(async () => svc?.stop());

async function conversationWithMessages(n: number): Promise<string> {
  const conv = await svc.api.post('/v1/conversations', ann.token, { type: 'group', participants: [ben.id] });
  for (let i = 0; i < n; i++)
    await svc.api.post(`/v1/conversations/${conv.body.id}/messages`, ann.token, text(`m${i}`));
  return conv.body.id;
}

/** Appends events straight into the log (the same columns the service writes), to build long histories fast. */
async function appendManyEvents(conversationId: string, count: number): Promise<number> {
  const db = svc.running.infra.db;
  const { rows } = await db.query<{ last_seq: number }>(`SELECT last_seq FROM conversations WHERE id = $1`, [
    conversationId,
  ]);
  const from = rows[0]!.last_seq + 1;
  const to = from + count - 1;
  await db.query(
    `INSERT INTO events (conversation_id, seq, id, type, actor_id, payload, created_at)
     SELECT $1::uuid, s, gen_random_uuid(), 'conversation.updated', $2::uuid, '{"title":"bulk"}'::jsonb, now()
     FROM generate_series($3::bigint, $4::bigint) AS s`,
    [conversationId, ann.id, from, to],
  );
  await db.query(`UPDATE conversations SET last_seq = $2 WHERE id = $1`, [conversationId, to]);
  return to;
}

describe('retransmitEvents', () => {
  it('returns an inclusive range of events in seq order', async () => {
    const id = await conversationWithMessages(5);
    const res = await svc.api.get(`/v1/conversations/${id}/events?fromSeq=2&toSeq=4`, ben.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fromSeq: 2, toSeq: 4, lastSeq: 6, nextFromSeq: null });
    expect(res.body.events.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
      [2, 'message.sent'],
      [3, 'message.sent'],
      [4, 'message.sent'],
    ]);
  });

  it('keeps edits, removals, read marks and membership changes in the replayable log', async () => {
    const id = await conversationWithMessages(1);
    const msg = (await svc.api.get(`/v1/conversations/${id}/messages`, ann.token)).body.messages[0];
    await svc.api.patch(`/v1/conversations/${id}/messages/${msg.id}`, ann.token, {
      parts: [{ mimeType: 'text/plain', body: 'edited' }],
    });
    await svc.api.delete(`/v1/conversations/${id}/messages/${msg.id}`, ann.token);
    await svc.api.post(`/v1/conversations/${id}/read`, ben.token, { seq: 4 });
    await svc.api.post(`/v1/conversations/${id}/participants`, ann.token, {
      participants: [{ userId: eve.id }],
    });
    await svc.api.patch(`/v1/conversations/${id}`, ann.token, { title: 'renamed' });
    const res = await svc.api.get(`/v1/conversations/${id}/events?fromSeq=1`, ben.token);
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual([
      'conversation.created',
      'message.sent',
      'message.edited',
      'message.removed',
      'conversation.read',
      'participants.added',
      'conversation.updated',
    ]);
    expect(res.body.events[2].payload).toMatchObject({
      messageId: msg.id,
      messageSeq: 2,
      parts: [{ body: 'edited' }],
    });
    expect(res.body.events[4].payload).toEqual({ userId: ben.id, seq: 4 });
  });

  it('caps a too-wide range to one page and says where to continue', async () => {
    const id = await conversationWithMessages(0);
    const lastSeq = await appendManyEvents(id, 1200);
    const first = await svc.api.get(`/v1/conversations/${id}/events?fromSeq=1&toSeq=100000`, ann.token);
    expect(first.status).toBe(200);
    expect(first.body.events).toHaveLength(MessagingLimits.retransmitPageSize);
    expect(first.body).toMatchObject({ fromSeq: 1, toSeq: 500, nextFromSeq: 501, lastSeq });
    let from: number | null = first.body.nextFromSeq;
    const seen = first.body.events.map((e: { seq: number }) => e.seq);
    while (from !== null) {
      const page = await svc.api.get(`/v1/conversations/${id}/events?fromSeq=${from}`, ann.token);
      seen.push(...page.body.events.map((e: { seq: number }) => e.seq));
      from = page.body.nextFromSeq;
    }
    expect(seen).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
  });

  it('refuses a reversed, negative, zero or non-numeric range with 400 naming the field', async () => {
    const id = await conversationWithMessages(2);
    const reversed = await svc.api.get(`/v1/conversations/${id}/events?fromSeq=5&toSeq=2`, ben.token);
    expect(reversed.status).toBe(400);
    expect(reversed.body.issues[0].path).toBe('query.toSeq');
    for (const q of ['fromSeq=-1', 'fromSeq=0', 'fromSeq=abc', 'fromSeq=1&toSeq=-5', '']) {
      const res = await svc.api.get(`/v1/conversations/${id}/events?${q}`, ben.token);
      expect(res.status, q).toBe(400);
    }
  });

  it('returns an empty page past the end of the log', async () => {
    const id = await conversationWithMessages(1);
    const res = await svc.api.get(`/v1/conversations/${id}/events?fromSeq=50`, ben.token);
    expect(res.body).toMatchObject({ events: [], nextFromSeq: null, lastSeq: 2 });
  });

  it('answers 404 for a conversation the caller is not in', async () => {
    const id = await conversationWithMessages(1);
    const res = await svc.api.get(`/v1/conversations/${id}/events?fromSeq=1`, eve.token);
    expect(res.status).toBe(404);
  });
});

describe('streaming retransmit (events/stream)', () => {
  async function stream(
    conversationId: string,
    query: string,
    token: string | null = ben.token,
  ): Promise<{ status: number; lastSeq: string | null; type: string | null; text: string }> {
    const res = await fetch(`${svc.url}/v1/conversations/${conversationId}/events/stream?${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return {
      status: res.status,
      lastSeq: res.headers.get(EVENT_STREAM_LAST_SEQ_HEADER),
      type: res.headers.get('content-type'),
      text: await res.text(),
    };
  }

  const linesOf = (text: string) => text.split('\n').filter((l) => l.length > 0);

  it('streams exactly the events the paged route returns, each a protocol event', async () => {
    const id = await conversationWithMessages(3);
    const msg = (await svc.api.get(`/v1/conversations/${id}/messages`, ann.token)).body.messages[0];
    await svc.api.patch(`/v1/conversations/${id}/messages/${msg.id}`, ann.token, {
      parts: [{ mimeType: 'text/plain', body: 'edited' }],
    });
    await svc.api.delete(`/v1/conversations/${id}/messages/${msg.id}`, ann.token);
    await svc.api.post(`/v1/conversations/${id}/read`, ben.token, { seq: 3 });
    await svc.api.post(`/v1/conversations/${id}/participants`, ann.token, {
      participants: [{ userId: eve.id }],
    });
    // An event a machine client acted, as the server API records it.
    const db = svc.running.infra.db;
    await db.query(
      `INSERT INTO events (conversation_id, seq, id, type, actor_id, acting_client_id, payload, created_at)
       SELECT id, last_seq + 1, gen_random_uuid(), 'conversation.updated', $2::uuid, 'crm', '{"title":"by a bot"}'::jsonb, now()
       FROM conversations WHERE id = $1`,
      [id, ann.id],
    );
    await db.query(`UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1`, [id]);

    const paged = await svc.api.get(`/v1/conversations/${id}/events?fromSeq=1`, ben.token);
    const streamed = await stream(id, 'fromSeq=1');
    expect(streamed.status).toBe(200);
    expect(streamed.type).toMatch(/^application\/x-ndjson/);
    expect(streamed.lastSeq).toBe(String(paged.body.lastSeq));
    const events = linesOf(streamed.text).map((line) => ConversationEvent.parse(JSON.parse(line)));
    expect(events).toEqual(paged.body.events);
    expect(events.at(-1)).toMatchObject({ actingClientId: 'crm', payload: { title: 'by a bot' } });
    expect(events[0]).not.toHaveProperty('actingClientId');
  });

  it('streams a log longer than a page and a read batch, complete and in order; toSeq bounds it', async () => {
    const id = await conversationWithMessages(0);
    const last = await appendManyEvents(id, 12_000);
    const all = await stream(id, 'fromSeq=1');
    expect(all.lastSeq).toBe(String(last));
    const seqs = linesOf(all.text).map((line) => (JSON.parse(line) as { seq: number }).seq);
    expect(seqs).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    const part = linesOf((await stream(id, 'fromSeq=4990&toSeq=5010')).text);
    expect(part.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual(
      Array.from({ length: 21 }, (_, i) => 4990 + i),
    );
    expect(linesOf((await stream(id, `fromSeq=${last + 1}`)).text)).toEqual([]);
  });

  it('refuses strangers, missing tokens and bad ranges like the paged route', async () => {
    const id = await conversationWithMessages(1);
    expect((await stream(id, 'fromSeq=1', eve.token)).status).toBe(404);
    expect((await stream(id, 'fromSeq=1', null)).status).toBe(401);
    for (const query of ['fromSeq=0', 'fromSeq=5&toSeq=2', 'fromSeq=x', 'fromSeq=1&extra=1'])
      expect((await stream(id, query)).status).toBe(400);
  });

  it('keeps serving after a client hangs up mid-stream', async () => {
    const id = await conversationWithMessages(0);
    await appendManyEvents(id, 20_000);
    const abort = new AbortController();
    const res = await fetch(`${svc.url}/v1/conversations/${id}/events/stream?fromSeq=1`, {
      headers: { authorization: `Bearer ${ben.token}` },
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    abort.abort();
    await reader.read().catch(() => undefined);
    const again = await stream(id, 'fromSeq=19990&toSeq=20000');
    expect(linesOf(again.text)).toHaveLength(11);
  });
});

describe('catching up after being away', () => {
  it('replays a small gap', async () => {
    const id = await conversationWithMessages(4);
    const res = await svc.api.get(`/v1/conversations/${id}/sync?sinceSeq=2`, ben.token);
    expect(res.body).toMatchObject({ mode: 'replay', gap: 3, lastSeq: 5 });
    expect(res.body.page.events.map((e: { seq: number }) => e.seq)).toEqual([3, 4, 5]);
  });

  it('tells a device that missed too much to start from the latest page', async () => {
    const id = await conversationWithMessages(3);
    await appendManyEvents(id, MessagingLimits.replayRecommendedMaxGap + 10);
    const res = await svc.api.get(`/v1/conversations/${id}/sync?sinceSeq=1`, ben.token);
    expect(res.body.mode).toBe('reset');
    expect(res.body.gap).toBeGreaterThan(MessagingLimits.replayRecommendedMaxGap);
    expect(res.body.messages.map((m: { parts: Array<{ body: string }> }) => m.parts[0]!.body)).toEqual([
      'm0',
      'm1',
      'm2',
    ]);
    expect(res.body.conversation.id).toBe(id);
  });

  it('tells a device whose seq is ahead of the server to reset', async () => {
    const id = await conversationWithMessages(1);
    const res = await svc.api.get(`/v1/conversations/${id}/sync?sinceSeq=99`, ben.token);
    expect(res.body.mode).toBe('reset');
  });
});
