import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession, UserPresence } from '@parley/protocol';
import { MemoryStore, Messenger } from '../src/index.js';
import { nodeWebSocket } from '../src/node.js';
import { eventually, startMessagingForTests, type MessagingForTests } from '@parley/testing';

let server: MessagingForTests;
const open: Messenger[] = [];

async function connect(session: AuthSession): Promise<Messenger> {
  const m = await Messenger.connect({
    baseUrl: server.url,
    session,
    createWebSocket: nodeWebSocket,
    store: new MemoryStore(),
  });
  open.push(m);
  await m.synced();
  return m;
}

beforeAll(async () => {
  server = await startMessagingForTests({ label: 'sdk_search_presence' });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});
afterAll(async () => server?.stop());

async function pair() {
  const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
  const [ann, ben] = await Promise.all([connect(annS), connect(benS)]);
  const annChat = await ann.createConversation({ type: 'direct', participants: [benS.user.id] });
  await eventually(() => ben.conversation(annChat.id) !== undefined, 'ben has the conversation');
  return { ann, ben, annS, benS, annChat, benChat: ben.conversation(annChat.id)! };
}

describe('search, presence and conversation settings against the real service', () => {
  it('messenger.search finds a message of one of the user’s conversations with a highlighted snippet', async () => {
    const { ben, annChat } = await pair();
    const sent = await annChat.sendMessage('the gannet colony is loud today');
    const outsider = await connect(await server.signUp('eve'));
    const result = await ben.search('GANN colony');
    expect(result.hits).toHaveLength(1);
    expect(result.hits[0]).toMatchObject({ conversationId: annChat.id, message: { id: sent.id } });
    expect(result.hits[0]!.snippet.filter((s) => s.match).map((s) => s.text)).toEqual(['gannet', 'colony']);
    expect((await outsider.search('gannet')).hits).toEqual([]);
  });

  it('messenger.search rejects a query with nothing to search for with the server’s 400', async () => {
    const { ann } = await pair();
    await expect(ann.search('?!')).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('presence(userId) reads the other user’s status, and presenceChanged follows away and offline', async () => {
    const { ann, ben, benS } = await pair();
    const seen: UserPresence[] = [];
    ann.on('presenceChanged', (p) => p.userId === benS.user.id && seen.push(p));
    expect(ann.presence(benS.user.id).status).toBe('offline'); // not known yet: read in the background
    await eventually(() => ann.presence(benS.user.id).status === 'online', 'ben is online');

    ben.setActivity('away');
    await eventually(() => ann.presence(benS.user.id).status === 'away', 'ben is away');
    ben.setActivity('active');
    await eventually(() => ann.presence(benS.user.id).status === 'online', 'ben is back');

    await ben.close();
    await eventually(() => ann.presence(benS.user.id).status === 'offline', 'ben is offline');
    expect(ann.presence(benS.user.id).lastSeenAt).not.toBeNull();
    expect(seen.map((p) => p.status)).toEqual(['online', 'away', 'online', 'offline']);
  });

  it('pinning sorts a conversation first on every device of the user; muting shows as conversation.muted', async () => {
    const { ann, annS, annChat } = await pair();
    const carolS = await server.signUp('carol');
    const later = await ann.createConversation({ type: 'direct', participants: [carolS.user.id] });
    await later.sendMessage('newest activity');
    expect(ann.conversations()[0]!.id).toBe(later.id);

    const annPhone = await connect(annS);
    await annChat.setPinned(true);
    expect(ann.conversations()[0]!.id).toBe(annChat.id);
    expect(annChat.snapshot().pinned).toBe(true);
    await eventually(() => annPhone.conversation(annChat.id)?.pinned === true, 'the phone hears of the pin');
    expect(annPhone.conversations()[0]!.id).toBe(annChat.id);

    await later.setMuted(true);
    expect(later.muted).toBe(true);
    await eventually(() => annPhone.conversation(later.id)?.muted === true, 'the phone hears of the mute');
    const reloaded = await connect(annS);
    expect(reloaded.conversation(later.id)?.snapshot()).toMatchObject({ muted: true, pinned: false });
  });

  it('another user cannot change the settings of a conversation they are not in (404)', async () => {
    const { annChat } = await pair();
    const eve = await connect(await server.signUp('eve'));
    // Eve cannot even reach the conversation: she has no Conversation object for it.
    expect(eve.conversation(annChat.id)).toBeUndefined();
    const res = await fetch(`${server.url}/v1/conversations/${annChat.id}/settings`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${eve.session.tokens.access_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ muted: true }),
    });
    expect(res.status).toBe(404);
  });

  it('the directory hides phone numbers until the owner allows it (updateProfile)', async () => {
    const annS = await Messenger.signUp(server.url, {
      username: `dirann${Date.now().toString(36)}`,
      password: 'correct horse battery',
      msisdn: `+4791${String(Date.now()).slice(-6)}`,
    });
    const ann = await connect(annS);
    const eve = await connect(await server.signUp('eve'));
    const before = await eve.listUsers({ q: annS.user.username });
    expect(before.users[0]).toMatchObject({ id: annS.user.id, msisdn: null });
    const me = await ann.updateProfile({ phoneVisible: true });
    expect(me.phoneVisible).toBe(true);
    const after = await eve.findUsers(annS.user.username);
    expect(after[0]?.msisdn).toBe(annS.user.msisdn);
  });
});
