import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagingLimits } from '@parley/protocol';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';

let svc: MessagingUnderTest;
let ann: TestUser, ben: TestUser, cat: TestUser;

const text = (body: string, id = `m-${Math.random().toString(36).slice(2)}`) => ({
  clientMessageId: id,
  parts: [{ mimeType: 'text/plain', body }],
});

async function group(...others: TestUser[]): Promise<string> {
  const res = await svc.api.post('/v1/conversations', ann.token, {
    type: 'group',
    participants: others.map((o) => o.id),
  });
  return res.body.id;
}

beforeAll(async () => {
  svc = await startMessagingUnderTest('messages');
  [ann, ben, cat] = await Promise.all([
    svc.api.newUser('ann'),
    svc.api.newUser('ben'),
    svc.api.newUser('cat'),
  ]);
});
afterAll(async () => svc?.stop());

describe('sending', () => {
  it('stores ordered MIME parts and gives the message the next seq', async () => {
    const id = await group(ben);
    const voip = JSON.stringify({
      provider: 'parley',
      callId: 'call-1',
      joinUrl: 'https://meet.example/call-1',
    });
    const res = await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, {
      clientMessageId: 'first',
      parts: [
        { mimeType: 'text/plain', body: 'join the call' },
        { mimeType: 'application/voip-link', body: voip },
        { mimeType: 'image/png', url: 'https://files.example/cat.png', name: 'cat.png', size: 1234 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ seq: 2, senderId: ann.id, clientMessageId: 'first' });
    expect(res.body.parts.map((p: { mimeType: string }) => p.mimeType)).toEqual([
      'text/plain',
      'application/voip-link',
      'image/png',
    ]);
  });

  it('a retried send with the same clientMessageId returns the first result and adds nothing', async () => {
    const id = await group(ben);
    const first = await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, text('once', 'retry-me'));
    const retry = await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, text('once', 'retry-me'));
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const conv = await svc.api.get(`/v1/conversations/${id}`, ann.token);
    expect(conv.body.lastSeq).toBe(2);
  });

  it('racing retries of one send still create one message', async () => {
    const id = await group(ben);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        svc.api.post(`/v1/conversations/${id}/messages`, ann.token, text('race', 'racer')),
      ),
    );
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const events = await svc.api.get(`/v1/conversations/${id}/events?fromSeq=1`, ann.token);
    expect(events.body.events.filter((e: { type: string }) => e.type === 'message.sent')).toHaveLength(1);
  });

  it('keeps seq gap-free and unique with 50 parallel senders', async () => {
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => svc.api.newUser(`p${i}`)));
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: users.map((u) => u.id),
    });
    const senders = Array.from({ length: 50 }, (_, i) => users[i % users.length]!);
    const sent = await Promise.all(
      senders.map((u, i) =>
        svc.api.post(`/v1/conversations/${conv.body.id}/messages`, u.token, text(`n${i}`, `par-${i}`)),
      ),
    );
    expect(sent.every((r) => r.status === 201)).toBe(true);
    const seqs = sent.map((r) => r.body.seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    const log = await svc.api.get(`/v1/conversations/${conv.body.id}/events?fromSeq=1`, ann.token);
    expect(log.body.events.map((e: { seq: number }) => e.seq)).toEqual(
      Array.from({ length: 51 }, (_, i) => i + 1),
    );
  });

  it('a refused send among concurrent ones fails alone, and the others keep a gap-free log', async () => {
    const id = await group(ben);
    const good = Array.from({ length: 20 }, (_, i) =>
      svc.api.post(`/v1/conversations/${id}/messages`, i % 2 ? ben.token : ann.token, text(`ok ${i}`)),
    );
    const bad = [
      // not a participant
      svc.api.post(`/v1/conversations/${id}/messages`, cat.token, text('intruder')),
      // mentions someone outside the conversation
      svc.api.post(`/v1/conversations/${id}/messages`, ann.token, { ...text('hi @cat'), mentions: [cat.id] }),
      // replies to a message that does not exist
      svc.api.post(`/v1/conversations/${id}/messages`, ben.token, {
        ...text('re: nothing'),
        replyTo: '00000000-0000-4000-8000-000000000000',
      }),
    ];
    const [goodResults, badResults] = await Promise.all([Promise.all(good), Promise.all(bad)]);
    expect(goodResults.map((r) => r.status)).toEqual(goodResults.map(() => 201));
    expect(badResults.map((r) => r.status)).toEqual([404, 400, 404]);
    const seqs = goodResults.map((r) => r.body.seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const log = await svc.api.get(`/v1/conversations/${id}/events?fromSeq=1`, ann.token);
    expect(log.body.events.map((e: { seq: number }) => e.seq)).toEqual(
      Array.from({ length: 21 }, (_, i) => i + 1),
    );
  });

  it('keeps every log gap-free when many conversations are written at once', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, () => group(ben)));
    const sent = await Promise.all(
      ids.flatMap((id, c) =>
        Array.from({ length: 5 }, (_, i) =>
          svc.api.post(
            `/v1/conversations/${id}/messages`,
            i % 2 ? ben.token : ann.token,
            text(`c${c} m${i}`),
          ),
        ),
      ),
    );
    expect(sent.map((r) => r.status)).toEqual(sent.map(() => 201));
    for (const id of ids) {
      const seqs = sent
        .filter((r) => r.body.conversationId === id)
        .map((r) => r.body.seq as number)
        .sort((a, b) => a - b);
      expect(seqs).toEqual([2, 3, 4, 5, 6]);
      const conv = await svc.api.get(`/v1/conversations/${id}`, ann.token);
      expect(conv.body.lastSeq).toBe(6);
    }
  });

  it('answers an oversize part with 413 and stores nothing', async () => {
    const id = await group(ben);
    const big = 'x'.repeat(MessagingLimits.maxPartBodyBytes + 1);
    const res = await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, text(big, 'big'));
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/parts\.0/);
    const conv = await svc.api.get(`/v1/conversations/${id}`, ann.token);
    expect(conv.body.lastSeq).toBe(1);
  });

  it('answers a body over the request limit with 413', async () => {
    const id = await group(ben);
    const parts = Array.from({ length: 9 }, () => ({ mimeType: 'text/plain', body: 'y'.repeat(60 * 1024) }));
    const res = await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, {
      clientMessageId: 'huge',
      parts,
    });
    expect(res.status).toBe(413);
  });

  it('names bad parts: no MIME type, both body and url, broken voip-link JSON, unknown fields', async () => {
    const id = await group(ben);
    const res = await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, {
      clientMessageId: 'bad',
      parts: [
        { body: 'no type' },
        { mimeType: 'text/plain', body: 'a', url: 'https://x.example/a' },
        { mimeType: 'text/plain', body: 'x', color: 'red' },
      ],
    });
    expect(res.status).toBe(400);
    const paths = res.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.parts.0.mimeType', 'body.parts.1.body', 'body.parts.2.color']),
    );
    const voip = await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, {
      clientMessageId: 'v',
      parts: [{ mimeType: 'application/voip-link', body: '{"provider":"x"' }],
    });
    expect(voip.status).toBe(400);
    expect(voip.body.issues[0].path).toBe('body.parts.0.body');
  });

  it('refuses empty and whitespace-only text, on send and on edit, and stores nothing', async () => {
    const id = await group(ben);
    for (const body of ['', '   ', '\n\t ', '\u00a0\u2003']) {
      const res = await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, text(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.issues[0]).toMatchObject({
        path: 'body.parts.0.body',
        message: 'a text part must not be empty or only whitespace',
      });
    }
    const sent = await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, text('  padded  '));
    expect(sent.status).toBe(201);
    expect(sent.body.parts[0].body).toBe('  padded  ');
    const blanked = await svc.api.patch(`/v1/conversations/${id}/messages/${sent.body.id}`, ann.token, {
      parts: [{ mimeType: 'text/plain', body: ' ' }],
    });
    expect(blanked.status).toBe(400);
    const conv = await svc.api.get(`/v1/conversations/${id}`, ann.token);
    expect(conv.body.lastSeq).toBe(2);
  });

  it('refuses a message without parts and a missing clientMessageId', async () => {
    const id = await group(ben);
    const res = await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, { parts: [] });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.clientMessageId',
      'body.parts',
    ]);
  });
});

describe('editing, removing and reading', () => {
  it('lets the sender edit and remove; others may not without editAll', async () => {
    const id = await group(ben, cat);
    const msg = await svc.api.post(`/v1/conversations/${id}/messages`, ben.token, text('typo'));
    const byOther = await svc.api.patch(`/v1/conversations/${id}/messages/${msg.body.id}`, cat.token, {
      parts: [{ mimeType: 'text/plain', body: 'hijack' }],
    });
    expect(byOther.status).toBe(403);
    const edited = await svc.api.patch(`/v1/conversations/${id}/messages/${msg.body.id}`, ben.token, {
      parts: [{ mimeType: 'text/plain', body: 'fixed' }],
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      parts: [{ body: 'fixed' }],
      seq: msg.body.seq,
      editedAt: expect.any(String),
    });
    // The owner has editAll.
    const removed = await svc.api.delete(`/v1/conversations/${id}/messages/${msg.body.id}`, ann.token);
    expect(removed.status).toBe(204);
    const editRemoved = await svc.api.patch(`/v1/conversations/${id}/messages/${msg.body.id}`, ben.token, {
      parts: [{ mimeType: 'text/plain', body: 'back' }],
    });
    expect(editRemoved.status).toBe(409);
    const history = await svc.api.get(`/v1/conversations/${id}/messages`, cat.token);
    expect(history.body.messages[0]).toMatchObject({
      id: msg.body.id,
      parts: [],
      removedAt: expect.any(String),
    });
  });

  it('answers an unknown message id with 404', async () => {
    const id = await group(ben);
    const res = await svc.api.delete(
      `/v1/conversations/${id}/messages/00000000-0000-4000-8000-000000000000`,
      ann.token,
    );
    expect(res.status).toBe(404);
  });

  it('counts unread messages from others and clears them with markAsRead', async () => {
    const id = await group(ben);
    for (let i = 0; i < 3; i++)
      await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, text(`u${i}`));
    await svc.api.post(`/v1/conversations/${id}/messages`, ben.token, text('mine'));
    const me = await svc.api.get('/v1/me', ben.token);
    const summary = me.body.conversations.find((c: { id: string }) => c.id === id);
    expect(summary).toMatchObject({
      lastSeq: 5,
      lastReadSeq: 0,
      unreadCount: 3,
      lastMessage: { parts: [{ body: 'mine' }] },
    });
    const read = await svc.api.post(`/v1/conversations/${id}/read`, ben.token, { seq: 3 });
    expect(read.body).toEqual({ lastReadSeq: 3 });
    const after = (await svc.api.get('/v1/me', ben.token)).body.conversations.find(
      (c: { id: string }) => c.id === id,
    );
    expect(after).toMatchObject({ lastReadSeq: 3, unreadCount: 1 });
    // Moving the read mark backwards changes nothing; a seq past the end is clamped.
    expect((await svc.api.post(`/v1/conversations/${id}/read`, ben.token, { seq: 1 })).body).toEqual({
      lastReadSeq: 3,
    });
    expect((await svc.api.post(`/v1/conversations/${id}/read`, ben.token, { seq: 999 })).body).toEqual({
      lastReadSeq: 6,
    });
    const done = (await svc.api.get('/v1/me', ben.token)).body.conversations.find(
      (c: { id: string }) => c.id === id,
    );
    expect(done.unreadCount).toBe(0);
  });

  it('refuses a negative or non-integer read seq', async () => {
    const id = await group(ben);
    expect((await svc.api.post(`/v1/conversations/${id}/read`, ben.token, { seq: -1 })).status).toBe(400);
    expect((await svc.api.post(`/v1/conversations/${id}/read`, ben.token, { seq: '3' })).status).toBe(400);
  });
});

describe('history', () => {
  it('pages backwards from the newest message with `before`', async () => {
    const id = await group(ben);
    for (let i = 1; i <= 7; i++)
      await svc.api.post(`/v1/conversations/${id}/messages`, ann.token, text(`h${i}`));
    const latest = await svc.api.get(`/v1/conversations/${id}/messages?limit=3`, ben.token);
    expect(latest.body.messages.map((m: { parts: Array<{ body: string }> }) => m.parts[0]!.body)).toEqual([
      'h5',
      'h6',
      'h7',
    ]);
    const older = await svc.api.get(
      `/v1/conversations/${id}/messages?limit=3&before=${latest.body.nextBefore}`,
      ben.token,
    );
    expect(older.body.messages.map((m: { parts: Array<{ body: string }> }) => m.parts[0]!.body)).toEqual([
      'h2',
      'h3',
      'h4',
    ]);
    const oldest = await svc.api.get(
      `/v1/conversations/${id}/messages?limit=3&before=${older.body.nextBefore}`,
      ben.token,
    );
    expect(oldest.body.messages).toHaveLength(1);
    expect(oldest.body.nextBefore).toBeNull();
  });

  it('refuses a history limit over the cap', async () => {
    const id = await group(ben);
    const res = await svc.api.get(`/v1/conversations/${id}/messages?limit=100000`, ben.token);
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('query.limit');
  });
});
