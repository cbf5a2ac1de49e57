import { describe, expect, it } from 'vitest';
import type {
  Conversation as ConversationData,
  ConversationEvent,
  Message as MessageData,
  VoipLinkBody,
} from '@parley/protocol';
import { GatewayClient, GatewayNotConfiguredError } from '../gateway/gateway-client.js';
import { Conversation, type ConversationBackend } from '../model/conversation.js';
import { reduceConversationEvent } from '../sync/conversation-reducer.js';
import type { CallLink } from './call-link.js';

const T0 = '2026-11-28T10:00:00.000Z';
const CALL_ID = '7d4f1c2e-8a6b-4c1d-9e2f-3a4b5c6d7e8f';

const conversationData: ConversationData = {
  id: 'c1',
  type: 'group',
  title: null,
  customData: {},
  distinct: false,
  createdBy: 'ann',
  createdAt: T0,
  updatedAt: T0,
  lastSeq: 1,
  participants: [],
};

const created: VoipLinkBody = {
  provider: 'livekit',
  callId: 'room-1',
  joinUrl: 'https://meet.example.com/room-1',
  status: 'created',
  media: 'video',
  gatewayCallId: CALL_ID,
};
const started: VoipLinkBody = { ...created, status: 'started', participants: ['ann', 'ben'], startedAt: T0 };
const ended: VoipLinkBody = {
  ...started,
  status: 'ended',
  participants: [],
  endedAt: '2026-11-28T10:02:05.000Z',
  durationSeconds: 125,
};

const voipPart = (body: unknown) => [{ mimeType: 'application/voip-link', body: JSON.stringify(body) }];

const callMessage = (body: VoipLinkBody = created): MessageData => ({
  id: 'm1',
  conversationId: 'c1',
  seq: 1,
  senderId: 'ann',
  clientMessageId: `voip-link:${CALL_ID}`,
  parts: voipPart(body),
  createdAt: T0,
  editedAt: null,
  removedAt: null,
});

/** A conversation holding the call's message, fed events the way the Messenger applies them. */
function setUp(gateway = new GatewayClient({} as never, undefined)) {
  const backend = { userId: 'ben', gateway } as unknown as ConversationBackend;
  const conversation = Conversation.create(structuredClone(conversationData), backend);
  conversation.addHistory([callMessage()]);
  let seq = 1;
  const apply = (event: Omit<ConversationEvent, 'seq' | 'conversationId' | 'id' | 'createdAt'>) => {
    seq += 1;
    const full = { ...event, id: `e${seq}`, seq, conversationId: 'c1', createdAt: T0 } as ConversationEvent;
    conversation.applyEffects(reduceConversationEvent(conversation.reducerState, full));
    conversation.flushUpdate();
  };
  const edit = (body: unknown) =>
    apply({
      type: 'message.edited',
      actorId: 'ann',
      payload: { messageId: 'm1', messageSeq: 1, parts: voipPart(body), editedAt: T0 },
    } as never);
  return { conversation, apply, edit };
}

function changes(link: CallLink) {
  const seen: VoipLinkBody[] = [];
  link.on('changed', (l) => seen.push(l.snapshot()));
  return seen;
}

describe('CallLink', () => {
  it('shows the voip-link part of the message', () => {
    const { conversation } = setUp();
    const link = conversation.callLink('m1')!;
    expect(link).toMatchObject({
      provider: 'livekit',
      callId: 'room-1',
      joinUrl: 'https://meet.example.com/room-1',
      status: 'created',
      media: 'video',
      participants: [],
      startedAt: null,
      endedAt: null,
      durationSeconds: null,
      gatewayCallId: CALL_ID,
      finished: false,
    });
  });

  it('follows each edit of the message: started with participants, then ended with its duration', () => {
    const { conversation, edit } = setUp();
    const link = conversation.callLink('m1')!;
    const seen = changes(link);
    edit(started);
    expect(link.status).toBe('started');
    expect(link.participants).toEqual(['ann', 'ben']);
    expect(link.startedAt).toBe(T0);
    edit(ended);
    expect(link).toMatchObject({ status: 'ended', durationSeconds: 125, finished: true, participants: [] });
    expect(link.endedAt).toBe('2026-11-28T10:02:05.000Z');
    expect(seen.map((b) => b.status)).toEqual(['started', 'ended']);
  });

  it('an edit of another message, or one that leaves the card as it is, is not a change', () => {
    const { conversation, apply, edit } = setUp();
    conversation.addHistory([{ ...callMessage(), id: 'm2', seq: 2, clientMessageId: 'other' }]);
    const link = conversation.callLink('m1')!;
    const seen = changes(link);
    apply({
      type: 'message.edited',
      actorId: 'ann',
      payload: { messageId: 'm2', messageSeq: 2, parts: voipPart(ended), editedAt: T0 },
    } as never);
    edit(created);
    expect(seen).toEqual([]);
    expect(link.status).toBe('created');
  });

  it('an edit that is not a readable voip link keeps the last card', () => {
    const { conversation, edit } = setUp();
    const link = conversation.callLink('m1')!;
    edit({ provider: 'livekit', status: 'paused' });
    expect(link.status).toBe('created');
  });

  it('tells when the message is removed, and stops following after dispose()', () => {
    const { conversation, apply, edit } = setUp();
    const link = conversation.callLink('m1')!;
    const seen = changes(link);
    link.dispose();
    edit(started);
    expect(seen).toEqual([]);

    const followed = conversation.callLink('m1')!;
    let removed = 0;
    followed.on('removed', () => (removed += 1));
    apply({
      type: 'message.removed',
      actorId: 'ann',
      payload: { messageId: 'm1', messageSeq: 1, removedAt: T0 },
    } as never);
    expect(removed).toBe(1);
    expect(followed.removed).toBe(true);
    expect(conversation.callLink('m1')).toBeUndefined();
  });

  it('follows the message through a reset of the conversation (a long absence)', () => {
    const { conversation } = setUp();
    const link = conversation.callLink('m1')!;
    const seen = changes(link);
    conversation.reset(structuredClone(conversationData), [{ ...callMessage(ended), editedAt: T0 }], false);
    conversation.flushUpdate();
    expect(link.status).toBe('ended');
    expect(seen).toHaveLength(1);
  });

  it('is undefined for a message that is not a voip link', () => {
    const { conversation } = setUp();
    conversation.addHistory([
      { ...callMessage(), id: 'm3', seq: 3, parts: [{ mimeType: 'text/plain', body: 'hi' }] },
    ]);
    expect(conversation.callLink('m3')).toBeUndefined();
    expect(conversation.callLink('nope')).toBeUndefined();
  });

  it('join() without a gateway rejects with GatewayNotConfiguredError', async () => {
    const { conversation } = setUp();
    await expect(conversation.callLink('m1')!.join()).rejects.toBeInstanceOf(GatewayNotConfiguredError);
    await expect(conversation.callLink('m1')!.end()).rejects.toThrow(/gatewayUrl/);
  });
});
