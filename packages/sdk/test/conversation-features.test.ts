import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession } from '@parley/protocol';
import { MemoryStore, Messenger, ParleyApiError, reactionSummaries, type Message } from '../src/index.js';
import { nodeWebSocket } from '../src/node.js';
import { eventually, startMessagingForTests, type MessagingForTests } from '@parley/testing';

let server: MessagingForTests;
const open: Messenger[] = [];

async function connect(session: AuthSession, store = new MemoryStore()): Promise<Messenger> {
  const m = await Messenger.connect({
    baseUrl: server.url,
    session,
    createWebSocket: nodeWebSocket,
    store,
  });
  open.push(m);
  await m.synced();
  return m;
}

beforeAll(async () => {
  server = await startMessagingForTests({ label: 'sdk_conversation_features' });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});
afterAll(async () => server?.stop());

async function pair() {
  const [annS, benS] = await Promise.all([server.signUp('ann'), server.signUp('ben')]);
  const [ann, ben] = await Promise.all([connect(annS), connect(benS)]);
  const annChat = await ann.createConversation({ type: 'group', participants: [benS.user.id] });
  await eventually(() => ben.conversation(annChat.id) !== undefined, 'ben has the conversation');
  return { ann, ben, annS, benS, annChat, benChat: ben.conversation(annChat.id)! };
}

describe('replies, reactions and mentions against the real service', () => {
  it('a reply sent through the outbox reaches the other side with its quote', async () => {
    const { annChat, benChat, annS } = await pair();
    const question = await annChat.sendMessage('where do we meet?');
    const reply = await benChat.sendMessage('at the station', { replyTo: question.id });
    expect(reply.replyTo).toBe(question.id);
    await eventually(() => annChat.message(reply.id) !== undefined, 'ann has the reply');
    expect(annChat.message(reply.id)!.replyPreview).toEqual({
      senderId: annS.user.id,
      excerpt: 'where do we meet?',
      removed: false,
    });
    // The original goes: the quote on both sides loses its text.
    await annChat.removeMessage(question.id);
    await eventually(
      () => benChat.message(reply.id)?.replyPreview?.removed === true,
      'ben sees the quote go',
    );
    expect(benChat.snapshot().messages.find((m) => m.id === reply.id)!.replyPreview!.excerpt).toBe('');
  });

  it('a reply to a removed message fails in the outbox with the server’s 400', async () => {
    const { annChat, benChat } = await pair();
    const gone = await annChat.sendMessage('soon gone');
    await annChat.removeMessage(gone.id);
    await eventually(() => benChat.message(gone.id)?.removedAt != null, 'ben sees the removal');
    const err = await benChat.sendMessage('too late', { replyTo: gone.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyApiError);
    expect((err as ParleyApiError).status).toBe(400);
    expect(benChat.outgoingMessages()[0]).toMatchObject({ status: 'failed', replyTo: gone.id });
  });

  it('reactions show on both sides with counts and whether I reacted; toggling takes mine back', async () => {
    const { ann, annChat, benChat, annS, benS } = await pair();
    const m = await annChat.sendMessage('lunch?');
    await eventually(() => benChat.message(m.id) !== undefined, 'ben has the message');
    const added: string[] = [];
    ann.on('reactionAdded', ({ event }) => added.push(event.payload.emoji));

    const answer = await benChat.react(m.id, '👍');
    expect(answer.reactions).toEqual([{ emoji: '👍', userIds: [benS.user.id] }]);
    await annChat.react(m.id, '👍');
    await eventually(() => annChat.message(m.id)!.reactions[0]?.userIds.length === 2, 'two on ann’s side');
    await eventually(() => benChat.message(m.id)!.reactions[0]?.userIds.length === 2, 'two on ben’s side');
    expect(reactionSummaries(benChat.snapshot().messages.at(-1)!, benS.user.id)).toEqual([
      { emoji: '👍', count: 2, mine: true, userIds: [benS.user.id, annS.user.id] },
    ]);
    expect(added).toEqual(['👍', '👍']);

    await benChat.toggleReaction(m.id, '👍');
    await eventually(() => annChat.message(m.id)!.reactions[0]?.userIds.length === 1, 'ben’s is gone');
    expect(reactionSummaries(annChat.message(m.id)!.toJSON(), annS.user.id)).toEqual([
      { emoji: '👍', count: 1, mine: true, userIds: [annS.user.id] },
    ]);
  });

  it('refuses a reaction that is not one emoji', async () => {
    const { annChat } = await pair();
    const m = await annChat.sendMessage('x');
    const err = await annChat.react(m.id, 'lol').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyApiError);
    expect((err as ParleyApiError).status).toBe(400);
  });

  it('a mention emits `mentioned` for the mentioned user only, on the Messenger and the Conversation', async () => {
    const { ann, ben, annChat, benChat, benS } = await pair();
    const benMentions: Message[] = [];
    const annMentions: Message[] = [];
    ben.on('mentioned', ({ message }) => benMentions.push(message));
    ann.on('mentioned', ({ message }) => annMentions.push(message));
    const onConversation: string[] = [];
    benChat.on('mentioned', (message) => onConversation.push(message.id));

    const m = await annChat.sendMessage(`@${benS.user.username} look`, { mentions: [benS.user.id] });
    await annChat.sendMessage('no mention here');
    await eventually(() => benChat.messages().length === 2, 'ben has both');
    expect(benMentions.map((x) => x.id)).toEqual([m.id]);
    expect(onConversation).toEqual([m.id]);
    expect(annMentions).toEqual([]);
    expect(benChat.message(m.id)!.mentions).toEqual([benS.user.id]);
  });
});
