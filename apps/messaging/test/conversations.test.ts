import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';

let svc: MessagingUnderTest;
let ann: TestUser, ben: TestUser, cat: TestUser, dan: TestUser;

beforeAll(async () => {
  svc = await startMessagingUnderTest('conversations');
  [ann, ben, cat, dan] = await Promise.all([
    svc.api.newUser('ann'),
    svc.api.newUser('ben'),
    svc.api.newUser('cat'),
    svc.api.newUser('dan'),
  ]);
});
afterAll(async () => svc?.stop());

describe('direct conversations', () => {
  it('re-creating a distinct conversation returns the existing one', async () => {
    const first = await svc.api.post('/v1/conversations', ann.token, {
      type: 'direct',
      participants: [ben.id],
      distinct: true,
    });
    expect(first.status).toBe(201);
    const again = await svc.api.post('/v1/conversations', ben.token, {
      type: 'direct',
      participants: [ann.id],
      distinct: true,
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(first.body.participants.map((p: { userId: string }) => p.userId).sort()).toEqual(
      [ann.id, ben.id].sort(),
    );
    expect(first.body.lastSeq).toBe(1);
  });

  it('returns one conversation when both sides create it at the same moment', async () => {
    const [a, b] = await Promise.all([
      svc.api.post('/v1/conversations', cat.token, {
        type: 'direct',
        participants: [dan.id],
        distinct: true,
      }),
      svc.api.post('/v1/conversations', dan.token, {
        type: 'direct',
        participants: [cat.id],
        distinct: true,
      }),
    ]);
    expect(a.body.id).toBe(b.body.id);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
  });

  it('creates a new conversation each time without distinct', async () => {
    const a = await svc.api.post('/v1/conversations', ann.token, { type: 'direct', participants: [cat.id] });
    const b = await svc.api.post('/v1/conversations', ann.token, { type: 'direct', participants: [cat.id] });
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('refuses a direct conversation with two others, naming the field', async () => {
    const res = await svc.api.post('/v1/conversations', ann.token, {
      type: 'direct',
      participants: [ben.id, cat.id],
    });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('body.participants');
  });

  it('refuses unknown participants', async () => {
    const res = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toEqual({ path: 'body.participants.0', message: 'no such user' });
  });

  it('keeps the participants of a direct conversation fixed', async () => {
    const conv = await svc.api.post('/v1/conversations', ann.token, {
      type: 'direct',
      participants: [dan.id],
    });
    const res = await svc.api.post(`/v1/conversations/${conv.body.id}/participants`, ann.token, {
      participants: [{ userId: cat.id }],
    });
    expect(res.status).toBe(403);
  });
});

describe('groups and permissions', () => {
  it('lets the owner rename a group and add people, and everyone sees it in their list', async () => {
    const group = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
      title: 'Team',
      customData: { color: 'blue' },
    });
    expect(group.status).toBe(201);
    const renamed = await svc.api.patch(`/v1/conversations/${group.body.id}`, ann.token, {
      title: 'Team A',
      customData: { color: 'red' },
    });
    expect(renamed.body).toMatchObject({ title: 'Team A', customData: { color: 'red' }, lastSeq: 2 });
    const added = await svc.api.post(`/v1/conversations/${group.body.id}/participants`, ann.token, {
      participants: [{ userId: cat.id }],
    });
    expect(added.body.participants).toHaveLength(3);
    const list = await svc.api.get('/v1/conversations', cat.token);
    expect(list.body.conversations.map((c: { id: string }) => c.id)).toContain(group.body.id);
  });

  it('forbids a member without manage rights from adding or removing people (403)', async () => {
    const group = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id, cat.id],
    });
    const add = await svc.api.post(`/v1/conversations/${group.body.id}/participants`, ben.token, {
      participants: [{ userId: dan.id }],
    });
    expect(add.status).toBe(403);
    const remove = await svc.api.delete(
      `/v1/conversations/${group.body.id}/participants/${cat.id}`,
      ben.token,
    );
    expect(remove.status).toBe(403);
    const rename = await svc.api.patch(`/v1/conversations/${group.body.id}`, ben.token, {
      title: 'mine now',
    });
    expect(rename.status).toBe(403);
  });

  it('lets an owner grant manage rights, after which the member may add people', async () => {
    const group = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    const grant = await svc.api.patch(
      `/v1/conversations/${group.body.id}/participants/${ben.id}`,
      ann.token,
      { permissions: { manageParticipants: true } },
    );
    expect(grant.status).toBe(200);
    const add = await svc.api.post(`/v1/conversations/${group.body.id}/participants`, ben.token, {
      participants: [{ userId: dan.id }],
    });
    expect(add.status).toBe(201);
    const makeOwner = await svc.api.patch(
      `/v1/conversations/${group.body.id}/participants/${dan.id}`,
      ben.token,
      { permissions: { owner: true } },
    );
    expect(makeOwner.status).toBe(403);
  });

  it('keeps at least one owner', async () => {
    const group = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    const demote = await svc.api.patch(
      `/v1/conversations/${group.body.id}/participants/${ann.id}`,
      ann.token,
      { permissions: { owner: false } },
    );
    expect(demote.status).toBe(409);
    const leave = await svc.api.post(`/v1/conversations/${group.body.id}/leave`, ann.token);
    expect(leave.status).toBe(409);
  });

  it('hides a conversation from a non-participant as 404, the same answer as for an unknown id', async () => {
    const group = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    const hidden = await svc.api.get(`/v1/conversations/${group.body.id}`, dan.token);
    const unknown = await svc.api.get(`/v1/conversations/00000000-0000-4000-8000-000000000000`, dan.token);
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    const write = await svc.api.post(`/v1/conversations/${group.body.id}/messages`, dan.token, {
      clientMessageId: 'x1',
      parts: [{ mimeType: 'text/plain', body: 'hi' }],
    });
    expect(write.status).toBe(404);
  });

  it('answers a malformed conversation id with 400 naming it', async () => {
    const res = await svc.api.get('/v1/conversations/not-a-uuid', ann.token);
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('params.conversationId');
  });

  it('removes a participant, who then loses access', async () => {
    const group = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id, cat.id],
    });
    const res = await svc.api.delete(`/v1/conversations/${group.body.id}/participants/${cat.id}`, ann.token);
    expect(res.status).toBe(204);
    expect((await svc.api.get(`/v1/conversations/${group.body.id}`, cat.token)).status).toBe(404);
  });
});

describe('public channels', () => {
  it('lets anyone find, read and join a channel, then write in it', async () => {
    const channel = await svc.api.post('/v1/conversations', ann.token, {
      type: 'channel',
      title: `news-${Date.now()}`,
    });
    expect(channel.status).toBe(201);
    const directory = await svc.api.get(
      `/v1/channels?q=${encodeURIComponent(channel.body.title)}`,
      dan.token,
    );
    expect(directory.body.channels).toEqual([
      expect.objectContaining({ id: channel.body.id, joined: false, participantCount: 1 }),
    ]);
    expect((await svc.api.get(`/v1/conversations/${channel.body.id}`, dan.token)).status).toBe(200);
    const before = await svc.api.post(`/v1/conversations/${channel.body.id}/messages`, dan.token, {
      clientMessageId: 'c1',
      parts: [{ mimeType: 'text/plain', body: 'hello' }],
    });
    expect(before.status).toBe(403);
    const join = await svc.api.post(`/v1/conversations/${channel.body.id}/join`, dan.token);
    expect(join.status).toBe(200);
    const rejoin = await svc.api.post(`/v1/conversations/${channel.body.id}/join`, dan.token);
    expect(rejoin.body.lastSeq).toBe(join.body.lastSeq);
    const after = await svc.api.post(`/v1/conversations/${channel.body.id}/messages`, dan.token, {
      clientMessageId: 'c1',
      parts: [{ mimeType: 'text/plain', body: 'hello' }],
    });
    expect(after.status).toBe(201);
    const leave = await svc.api.post(`/v1/conversations/${channel.body.id}/leave`, dan.token);
    expect(leave.status).toBe(204);
  });

  it('gives joiners the channel’s join permissions (a read-only channel)', async () => {
    const channel = await svc.api.post('/v1/conversations', ann.token, {
      type: 'channel',
      title: 'announcements',
      joinPermissions: { write: false },
    });
    await svc.api.post(`/v1/conversations/${channel.body.id}/join`, ben.token);
    const res = await svc.api.post(`/v1/conversations/${channel.body.id}/messages`, ben.token, {
      clientMessageId: 'r1',
      parts: [{ mimeType: 'text/plain', body: 'hi' }],
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/write/);
  });

  it('does not let anyone join a private group', async () => {
    const group = await svc.api.post('/v1/conversations', ann.token, {
      type: 'group',
      participants: [ben.id],
    });
    const res = await svc.api.post(`/v1/conversations/${group.body.id}/join`, dan.token);
    expect(res.status).toBe(404);
  });
});
