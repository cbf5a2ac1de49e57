import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeResponse, UserDirectoryPage } from '@parley/protocol';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';

let svc: MessagingUnderTest;
let ann: TestUser, ben: TestUser, cat: TestUser, dan: TestUser;
let annBen: string;
const devices: TestDevice[] = [];
const tag = Math.random().toString(36).slice(2, 7);
let nextMsisdn = 4790000000 + Math.floor(Math.random() * 9_000_000);

function msisdn(): string {
  return `+${nextMsisdn++}`;
}

async function summaryOf(user: TestUser, conversationId: string) {
  const me = MeResponse.parse((await svc.api.get('/v1/me', user.token)).body);
  return me.conversations.find((c) => c.id === conversationId);
}

beforeAll(async () => {
  svc = await startMessagingUnderTest('settings');
  [ann, ben, cat, dan] = await Promise.all([
    svc.api.signUp(`ann-${tag}`, { msisdn: msisdn(), displayName: 'Ann Archer' }),
    svc.api.signUp(`ben-${tag}`, { msisdn: msisdn(), displayName: 'Ben Baker' }),
    svc.api.signUp(`cat-${tag}`, { msisdn: msisdn(), displayName: 'Cat Cooper' }),
    svc.api.signUp(`dan-${tag}`, { displayName: 'Dan Dyer' }),
  ]);
  annBen = (await svc.api.post('/v1/conversations', ann.token, { type: 'direct', participants: [ben.id] }))
    .body.id;
});
afterAll(async () => {
  devices.forEach((d) => d.close());
  await svc?.stop();
});

describe('pinned and muted conversations', () => {
  it('are off by default and listed in /v1/me', async () => {
    expect(await summaryOf(ann, annBen)).toMatchObject({ pinned: false, muted: false });
  });

  it('change only for the user who set them, and reach that user’s other devices live', async () => {
    const annPhone = await TestDevice.connect(svc.url, ann.token);
    devices.push(annPhone);
    const res = await svc.api.patch(`/v1/conversations/${annBen}/settings`, ann.token, { pinned: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ conversationId: annBen, pinned: true, muted: false });
    await annPhone.waitFor((f) => f.type === 'settings' && f.conversationId === annBen && f.pinned);
    const muted = await svc.api.patch(`/v1/conversations/${annBen}/settings`, ann.token, { muted: true });
    expect(muted.body).toEqual({ conversationId: annBen, pinned: true, muted: true });
    expect(await summaryOf(ann, annBen)).toMatchObject({ pinned: true, muted: true });
    expect(await summaryOf(ben, annBen)).toMatchObject({ pinned: false, muted: false });
  });

  it('cannot be set on a conversation the user is not in (404, nothing changes)', async () => {
    const res = await svc.api.patch(`/v1/conversations/${annBen}/settings`, cat.token, { muted: true });
    expect(res.status).toBe(404);
    expect(await summaryOf(ben, annBen)).toMatchObject({ muted: false });
    const unknown = await svc.api.patch(
      '/v1/conversations/00000000-0000-4000-8000-000000000000/settings',
      cat.token,
      { muted: true },
    );
    expect(unknown.status).toBe(404);
  });

  it.each([
    ['an empty body', {}],
    ['a string for a flag', { pinned: 'yes' }],
    ['another user’s id', { userId: '00000000-0000-4000-8000-000000000000', muted: true }],
  ])('refuses %s with 400', async (_name, body) => {
    const res = await svc.api.patch(`/v1/conversations/${annBen}/settings`, ann.token, body);
    expect(res.status).toBe(400);
  });

  it('refuses a conversation id that is not a uuid with 400', async () => {
    const res = await svc.api.patch('/v1/conversations/nope/settings', ann.token, { muted: true });
    expect(res.status).toBe(400);
  });
});

describe('user directory and privacy', () => {
  async function directory(viewer: TestUser, query: string) {
    const res = await svc.api.get(`/v1/users?${query}`, viewer.token);
    expect(res.status).toBe(200);
    return UserDirectoryPage.parse(res.body);
  }

  it('shows names and avatars but no phone number to a stranger', async () => {
    const page = await directory(cat, `q=ann-${tag}`);
    expect(page.users).toHaveLength(1);
    expect(page.users[0]).toMatchObject({
      id: ann.id,
      username: `ann-${tag}`,
      displayName: 'Ann Archer',
      msisdn: null,
      avatarUrl: null,
    });
    expect(page.users[0]).not.toHaveProperty('phoneVisible');
  });

  it('shows the number to someone who shares a direct conversation, so they can call', async () => {
    const page = await directory(ben, `username=ann-${tag}`);
    expect(page.users[0]?.msisdn).toMatch(/^\+47/);
    const one = await svc.api.get(`/v1/users/${ann.id}`, ben.token);
    expect(one.body.msisdn).toBe(page.users[0]?.msisdn);
    const stranger = await svc.api.get(`/v1/users/${ann.id}`, cat.token);
    expect(stranger.body.msisdn).toBeNull();
  });

  it('does not show numbers to fellow members of a public channel', async () => {
    const channel = await svc.api.post('/v1/conversations', ann.token, {
      type: 'channel',
      title: `c-${tag}`,
    });
    expect((await svc.api.post(`/v1/conversations/${channel.body.id}/join`, dan.token)).status).toBe(200);
    expect((await directory(dan, `username=ann-${tag}`)).users[0]?.msisdn).toBeNull();
  });

  it('shows the number to everyone once its owner allows it, and hides it again', async () => {
    const on = await svc.api.patch('/v1/me', cat.token, { phoneVisible: true });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ id: cat.id, phoneVisible: true });
    expect((await directory(dan, `username=cat-${tag}`)).users[0]?.msisdn).toMatch(/^\+47/);
    await svc.api.patch('/v1/me', cat.token, { phoneVisible: false });
    expect((await directory(dan, `username=cat-${tag}`)).users[0]?.msisdn).toBeNull();
  });

  it('keeps the owner’s own number and setting in /v1/me', async () => {
    const me = MeResponse.parse((await svc.api.get('/v1/me', ann.token)).body);
    expect(me.user.msisdn).toMatch(/^\+47/);
    expect(me.user.phoneVisible).toBe(false);
  });

  it('updates display name and avatar with PATCH /v1/me', async () => {
    const res = await svc.api.patch('/v1/me', dan.token, {
      displayName: 'Daniel Dyer',
      avatarUrl: 'https://example.com/dan.png',
    });
    expect(res.body).toMatchObject({ displayName: 'Daniel Dyer', avatarUrl: 'https://example.com/dan.png' });
    const seen = await directory(ann, `username=dan-${tag}`);
    expect(seen.users[0]).toMatchObject({
      displayName: 'Daniel Dyer',
      avatarUrl: 'https://example.com/dan.png',
    });
    const cleared = await svc.api.patch('/v1/me', dan.token, { avatarUrl: null });
    expect(cleared.body.avatarUrl).toBeNull();
  });

  it.each([
    ['an empty body', {}],
    ['a javascript: avatar', { avatarUrl: 'javascript:alert(1)' }],
    ['a blank display name', { displayName: '   ' }],
    ['a NUL in the display name', { displayName: 'a\u0000b' }],
    ['someone else’s msisdn', { msisdn: '+4790000001' }],
    ['a username change', { username: 'root' }],
  ])('refuses %s in PATCH /v1/me with 400', async (_name, body) => {
    expect((await svc.api.patch('/v1/me', ann.token, body)).status).toBe(400);
  });

  it('searches by prefix of the username or of a word of the display name', async () => {
    expect((await directory(ann, `q=ben-${tag}`)).users.map((u) => u.id)).toEqual([ben.id]);
    const byWord = await directory(ann, `q=cooper&limit=50`);
    expect(byWord.users.map((u) => u.id)).toContain(cat.id);
    const inner = await directory(ann, `q=ooper&limit=50`);
    expect(inner.users.map((u) => u.id)).not.toContain(cat.id);
  });

  it('pages through the directory by username with nextCursor', async () => {
    await Promise.all(['c', 'a', 'b'].map((n) => svc.api.signUp(`pg-${tag}-${n}`)));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: UserDirectoryPage = await directory(
        ann,
        `q=pg-${tag}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.users.map((u) => u.username));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['a', 'b', 'c'].map((n) => `pg-${tag}-${n}`));
    expect(pages).toBe(3);
  });

  it.each([
    ['a limit over 50', 'limit=51'],
    ['a NUL in the query', 'q=a%00'],
    ['a query over 64 characters', `q=${'a'.repeat(65)}`],
    ['a malformed cursor', 'cursor=%20DROP'],
    ['an unknown parameter', 'phone=1'],
  ])('refuses %s with 400', async (_name, query) => {
    expect((await svc.api.get(`/v1/users?${query}`, ann.token)).status).toBe(400);
  });
});
