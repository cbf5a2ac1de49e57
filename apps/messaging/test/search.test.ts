import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchResponse } from '@parley/protocol';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';
import type { TestUser } from './support/api-client.js';

let svc: MessagingUnderTest;
let ann: TestUser, ben: TestUser, cat: TestUser;
let annBen: string, benCat: string;

async function send(user: TestUser, conversationId: string, body: string, mimeType = 'text/plain') {
  const res = await svc.api.post(`/v1/conversations/${conversationId}/messages`, user.token, {
    clientMessageId: `${user.username}-${Math.random()}`,
    parts: [{ mimeType, body }],
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; seq: number };
}

async function search(user: TestUser, query: string) {
  return svc.api.get(`/v1/search?${query}`, user.token);
}

function hitTexts(body: SearchResponse): string[] {
  return body.hits.map((h) => h.snippet.map((s) => s.text).join(''));
}

beforeAll(async () => {
  svc = await startMessagingUnderTest('search');
  [ann, ben, cat] = await Promise.all([
    svc.api.newUser('ann'),
    svc.api.newUser('ben'),
    svc.api.newUser('cat'),
  ]);
  annBen = (await svc.api.post('/v1/conversations', ann.token, { type: 'direct', participants: [ben.id] }))
    .body.id;
  benCat = (await svc.api.post('/v1/conversations', ben.token, { type: 'direct', participants: [cat.id] }))
    .body.id;
});
afterAll(async () => svc?.stop());

describe('message search', () => {
  it('finds a message by a word prefix, with the matched words highlighted in the snippet', async () => {
    const sent = await send(ben, annBen, 'The quarterly zebrafish report is ready for review');
    const res = await search(ann, 'q=zebra');
    expect(res.status).toBe(200);
    const body = SearchResponse.parse(res.body);
    expect(body.hits).toHaveLength(1);
    expect(body.hits[0]!.conversationId).toBe(annBen);
    expect(body.hits[0]!.message.id).toBe(sent.id);
    expect(body.hits[0]!.message.seq).toBe(sent.seq);
    expect(body.hits[0]!.snippet.filter((s) => s.match).map((s) => s.text)).toEqual(['zebrafish']);
    expect(hitTexts(body)[0]).toContain('quarterly zebrafish report');
    expect(body.nextBefore).toBeNull();
  });

  it('needs every word to occur, in any order and any case', async () => {
    await send(ann, annBen, 'Lunch at the harbour café on Friday');
    await send(ann, annBen, 'Lunch somewhere else');
    const both = SearchResponse.parse((await search(ann, `q=${encodeURIComponent('FRIDAY lunch')}`)).body);
    expect(hitTexts(both)).toEqual(['Lunch at the harbour café on Friday']);
  });

  it('never returns messages of conversations the user is not in', async () => {
    await send(cat, benCat, 'secret platypus plans');
    const asAnn = SearchResponse.parse((await search(ann, 'q=platypus')).body);
    expect(asAnn.hits).toEqual([]);
    const asBen = SearchResponse.parse((await search(ben, 'q=platypus')).body);
    expect(asBen.hits.map((h) => h.conversationId)).toEqual([benCat]);
  });

  it('stops finding a message once it is removed, and finds an edited one by its new text', async () => {
    const removed = await send(ann, annBen, 'wombat sighting');
    const edited = await send(ann, annBen, 'original kookaburra');
    expect(
      (await svc.api.delete(`/v1/conversations/${annBen}/messages/${removed.id}`, ann.token)).status,
    ).toBe(204);
    const patch = await svc.api.patch(`/v1/conversations/${annBen}/messages/${edited.id}`, ann.token, {
      parts: [{ mimeType: 'text/plain', body: 'edited cassowary' }],
    });
    expect(patch.status).toBe(200);
    expect(SearchResponse.parse((await search(ann, 'q=wombat')).body).hits).toEqual([]);
    expect(SearchResponse.parse((await search(ann, 'q=kookaburra')).body).hits).toEqual([]);
    expect(SearchResponse.parse((await search(ben, 'q=cassowary')).body).hits[0]?.message.id).toBe(edited.id);
  });

  it('stops finding a conversation’s messages once the user has left it', async () => {
    const group = (
      await svc.api.post('/v1/conversations', ann.token, {
        type: 'group',
        participants: [cat.id],
        title: 'g',
      })
    ).body.id as string;
    await send(ann, group, 'axolotl meetup');
    expect(SearchResponse.parse((await search(cat, 'q=axolotl')).body).hits).toHaveLength(1);
    expect((await svc.api.post(`/v1/conversations/${group}/leave`, cat.token)).status).toBe(204);
    expect(SearchResponse.parse((await search(cat, 'q=axolotl')).body).hits).toEqual([]);
  });

  it('searches text parts only, not JSON or file parts', async () => {
    await send(ann, annBen, '{"capybara": true}', 'application/json');
    expect(SearchResponse.parse((await search(ann, 'q=capybara')).body).hits).toEqual([]);
  });

  it('pages through hits newest first with nextBefore', async () => {
    for (let i = 1; i <= 5; i++) await send(ben, annBen, `pelican number ${i}`);
    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page: SearchResponse = SearchResponse.parse(
        (await search(ann, `q=pelican&limit=2${before ? `&before=${encodeURIComponent(before)}` : ''}`)).body,
      );
      seen.push(...hitTexts(page));
      before = page.nextBefore;
      pages++;
    } while (before && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([5, 4, 3, 2, 1].map((i) => `pelican number ${i}`));
  });

  it('treats query syntax as plain words', async () => {
    await send(ann, annBen, 'ibis & heron');
    const res = await search(ann, `q=${encodeURIComponent("ibis:* | !heron <-> ('x")}`);
    expect(res.status).toBe(200);
    expect(SearchResponse.parse(res.body).hits).toEqual([]);
    const ok = await search(ann, `q=${encodeURIComponent('ibis & (heron)')}`);
    expect(SearchResponse.parse(ok.body).hits).toHaveLength(1);
  });
});

describe('message search refuses bad queries', () => {
  it.each([
    ['no query', ''],
    ['an empty query', 'q='],
    ['only spaces', 'q=%20%20'],
    ['only punctuation', 'q=%21%3F%2A'],
    ['a NUL character', 'q=ab%00cd'],
    ['a lone surrogate', 'q=%ED%A0%80'],
    ['a query over 200 characters', `q=${'a'.repeat(201)}`],
    ['a huge query (6 KB)', `q=${'lorem '.repeat(1000)}`],
    ['a limit of 0', 'q=abc&limit=0'],
    ['a limit over 50', 'q=abc&limit=51'],
    ['a malformed cursor', 'q=abc&before=not-a-cursor'],
    ['an unknown parameter', 'q=abc&conversationId=x'],
  ])('answers 400 to %s', async (_name, query) => {
    const res = await search(ann, query);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
  });

  it('answers 401 without a token', async () => {
    expect((await svc.api.get('/v1/search?q=abc')).status).toBe(401);
  });
});
