import { describe, expect, it } from 'vitest';
import type {
  Conversation as ConversationData,
  ConversationEvent,
  ConversationEventOf,
  Message as MessageData,
  Participant,
} from '@parley/protocol';
import type { MessageSnapshot } from '../model/message.js';
import {
  applyOwnReadMark,
  readStateAfterSync,
  reduceConversationEvent,
  storeMessage,
  type ConversationEffect,
  type ConversationState,
} from './conversation-reducer.js';

const ME = 'me';
const BOB = 'bob';
const CAROL = 'carol';
const T0 = '2026-01-01T00:00:00.000Z';
const at = (seq: number) => `2026-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`;

const participant = (userId: string, lastReadSeq = 0): Participant => ({
  userId,
  username: userId,
  displayName: userId.toUpperCase(),
  permissions: { write: true, editOwn: true, editAll: false, manageParticipants: false, owner: false },
  lastReadSeq,
  joinedAt: T0,
});

const conversationData = (patch: Partial<ConversationData> = {}): ConversationData => ({
  id: 'c1',
  type: 'group',
  title: null,
  customData: {},
  distinct: false,
  createdBy: ME,
  createdAt: T0,
  updatedAt: T0,
  lastSeq: 1,
  participants: [participant(ME), participant(BOB)],
  ...patch,
});

const message = (seq: number, senderId: string, patch: Partial<MessageData> = {}): MessageData => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  senderId,
  clientMessageId: `cm${seq}`,
  parts: [{ mimeType: 'text/plain', body: `text ${seq}` }],
  createdAt: at(seq),
  editedAt: null,
  removedAt: null,
  ...patch,
});

/** A conversation as a device holds it; `messages` are the loaded ones. */
function state(
  patch: { data?: Partial<ConversationData>; lastReadSeq?: number; unreadCount?: number } = {},
  messages: MessageSnapshot[] = [],
): ConversationState {
  const lastSeq = Math.max(1, ...messages.map((m) => m.seq), patch.data?.lastSeq ?? 0);
  return {
    userId: ME,
    data: conversationData({ lastSeq, ...patch.data }),
    lastReadSeq: patch.lastReadSeq ?? 0,
    unreadCount: patch.unreadCount ?? 0,
    messages: new Map(messages.map((m) => [m.id, m])),
  };
}

type Payload<T extends ConversationEvent['type']> = ConversationEventOf<T>['payload'];
function event<T extends ConversationEvent['type']>(
  type: T,
  seq: number,
  payload: Payload<T>,
  actorId = BOB,
): ConversationEvent {
  return {
    id: `e${seq}`,
    conversationId: 'c1',
    seq,
    actorId,
    createdAt: at(seq),
    type,
    payload,
  } as ConversationEvent;
}

const sent = (m: MessageData) => event('message.sent', m.seq, { message: m }, m.senderId);
const read = (userId: string, seq: number, eventSeq: number) =>
  event('conversation.read', eventSeq, { userId, seq }, userId);

/** Applies effects to plain state, the way Conversation does, so sequences of events can be followed. */
function applyAll(initial: ConversationState, events: ConversationEvent[]): ConversationState {
  let s = initial;
  for (const e of events) s = apply(s, reduceConversationEvent(s, e));
  return s;
}
function apply(s: ConversationState, effects: ConversationEffect[]): ConversationState {
  const messages = new Map<string, MessageSnapshot>([...s.messages.values()].map((m) => [m.id, m]));
  let next: ConversationState = { ...s, messages };
  for (const effect of effects) {
    if (effect.type === 'dataChanged') next = { ...next, data: effect.data };
    if (
      effect.type === 'messageAdded' ||
      effect.type === 'messageUpdated' ||
      effect.type === 'messageRemoved'
    )
      messages.set(effect.message.id, effect.message);
    if (effect.type === 'unreadChanged')
      next = { ...next, lastReadSeq: effect.lastReadSeq, unreadCount: effect.unreadCount };
  }
  return next;
}

const typesOf = (effects: ConversationEffect[]) => effects.map((e) => e.type);
const unreadOf = (effects: ConversationEffect[]) => effects.find((e) => e.type === 'unreadChanged');
const dataOf = (effects: ConversationEffect[]) => {
  const e = effects.find((x) => x.type === 'dataChanged');
  if (e?.type !== 'dataChanged') throw new Error('no dataChanged effect');
  return e.data;
};

describe('reduceConversationEvent', () => {
  it('moves lastSeq and updatedAt with every event and never mutates the state it was given', () => {
    const before = state();
    const frozen = structuredClone(before.data);
    const effects = reduceConversationEvent(before, event('conversation.updated', 2, { title: 'Plans' }));
    expect(dataOf(effects)).toMatchObject({ lastSeq: 2, updatedAt: at(2), title: 'Plans' });
    expect(before.data).toEqual(frozen);
  });

  it('conversation.created takes the conversation from the event, keeping the seq reached', () => {
    const created = conversationData({ title: 'New', lastSeq: 0, participants: [participant(ME)] });
    const effects = reduceConversationEvent(
      state({ data: { title: null } }),
      event('conversation.created', 1, { conversation: created }, ME),
    );
    expect(typesOf(effects)).toEqual(['dataChanged']);
    expect(dataOf(effects)).toMatchObject({ title: 'New', lastSeq: 1, participants: [{ userId: ME }] });
  });

  it('conversation.updated changes only the fields it carries, a null title included', () => {
    const s = state({ data: { title: 'Old', customData: { topic: 'a' } } });
    expect(
      dataOf(reduceConversationEvent(s, event('conversation.updated', 2, { customData: { topic: 'b' } }))),
    ).toMatchObject({ title: 'Old', customData: { topic: 'b' } });
    expect(
      dataOf(reduceConversationEvent(s, event('conversation.updated', 2, { title: null }))),
    ).toMatchObject({
      title: null,
      customData: { topic: 'a' },
    });
  });

  it('participants.added appends new participants and replaces ones already listed', () => {
    const rejoined = { ...participant(BOB), displayName: 'Bobby' };
    const effects = reduceConversationEvent(
      state(),
      event('participants.added', 2, { participants: [rejoined, participant(CAROL)], joined: false }),
    );
    expect(dataOf(effects).participants.map((p) => [p.userId, p.displayName])).toEqual([
      [ME, 'ME'],
      [BOB, 'Bobby'],
      [CAROL, 'CAROL'],
    ]);
  });

  it('participants.removed of someone else drops them and keeps the conversation', () => {
    const effects = reduceConversationEvent(
      state(),
      event('participants.removed', 2, { userIds: [BOB], left: true }),
    );
    expect(typesOf(effects)).toEqual(['dataChanged']);
    expect(dataOf(effects).participants.map((p) => p.userId)).toEqual([ME]);
  });

  it('participants.removed of this user means the conversation is left', () => {
    const effects = reduceConversationEvent(
      state({ unreadCount: 3 }),
      event('participants.removed', 2, { userIds: [ME], left: false }),
    );
    expect(typesOf(effects)).toEqual(['dataChanged', 'left']);
  });

  it('participants.updated replaces that participant only', () => {
    const promoted = { ...participant(BOB), permissions: { ...participant(BOB).permissions, owner: true } };
    const data = dataOf(
      reduceConversationEvent(state(), event('participants.updated', 2, { participant: promoted })),
    );
    expect(data.participants.find((p) => p.userId === BOB)?.permissions.owner).toBe(true);
    expect(data.participants.find((p) => p.userId === ME)?.permissions.owner).toBe(false);
  });

  describe('message.sent', () => {
    it('adds a message from someone else and counts it unread', () => {
      const m = message(2, BOB);
      const effects = reduceConversationEvent(state(), sent(m));
      expect(typesOf(effects)).toEqual(['dataChanged', 'messageAdded', 'unreadChanged']);
      expect(unreadOf(effects)).toEqual({ type: 'unreadChanged', lastReadSeq: 0, unreadCount: 1 });
    });

    it('never counts this user’s own message, and tells the outbox it is stored', () => {
      const m = message(2, ME);
      const effects = reduceConversationEvent(state(), sent(m));
      expect(typesOf(effects)).toEqual(['dataChanged', 'messageAdded', 'ownMessageStored']);
    });

    it('does not add again a message this device already holds (its send was answered first)', () => {
      const m = message(2, ME);
      const effects = reduceConversationEvent(state({}, [m]), sent(m));
      expect(typesOf(effects)).toEqual(['dataChanged', 'ownMessageStored']);
    });

    it('keeps the held copy when it is newer than the creation event (edited meanwhile)', () => {
      const original = message(2, ME);
      const edited = { ...original, parts: [{ mimeType: 'text/plain', body: 'fixed' }], editedAt: at(3) };
      const effects = reduceConversationEvent(state({}, [edited]), sent(original));
      expect(effects.some((e) => e.type === 'messageUpdated')).toBe(false);
    });

    it('does not count a message at or before the read mark', () => {
      const effects = reduceConversationEvent(
        state({ lastReadSeq: 5, data: { lastSeq: 5 } }),
        sent(message(5, BOB)),
      );
      expect(unreadOf(effects)).toBeUndefined();
    });

    it('does not count a message this device already holds as removed', () => {
      const removed = message(2, BOB, { parts: [], removedAt: at(3) });
      expect(unreadOf(reduceConversationEvent(state({}, [removed]), sent(message(2, BOB))))).toBeUndefined();
    });
  });

  describe('message.edited', () => {
    it('updates a loaded message with the new parts and editedAt', () => {
      const m = message(2, BOB);
      const parts = [{ mimeType: 'text/plain', body: 'better' }];
      const effects = reduceConversationEvent(
        state({}, [m]),
        event('message.edited', 3, { messageId: m.id, messageSeq: 2, parts, editedAt: at(3) }),
      );
      expect(typesOf(effects)).toEqual(['dataChanged', 'messageUpdated']);
      expect(effects[1]).toMatchObject({ message: { id: m.id, parts, editedAt: at(3), seq: 2 } });
    });

    it('only moves the seq when the message is not loaded here', () => {
      const effects = reduceConversationEvent(
        state(),
        event('message.edited', 3, { messageId: 'm2', messageSeq: 2, parts: [], editedAt: at(3) }),
      );
      expect(typesOf(effects)).toEqual(['dataChanged']);
    });

    it('changes nothing when the held copy already has the edit (the edit’s own answer came first)', () => {
      const parts = [{ mimeType: 'text/plain', body: 'better' }];
      const m = message(2, ME, { parts, editedAt: at(3) });
      const effects = reduceConversationEvent(
        state({}, [m]),
        event('message.edited', 3, { messageId: m.id, messageSeq: 2, parts, editedAt: at(3) }, ME),
      );
      expect(typesOf(effects)).toEqual(['dataChanged']);
    });
  });

  describe('message.removed', () => {
    const removal = (m: MessageData, seq: number, actor = m.senderId) =>
      event('message.removed', seq, { messageId: m.id, messageSeq: m.seq, removedAt: at(seq) }, actor);

    it('turns a loaded message into a tombstone without parts', () => {
      const m = message(2, ME);
      const effects = reduceConversationEvent(state({}, [m]), removal(m, 3));
      expect(typesOf(effects)).toEqual(['dataChanged', 'messageRemoved']);
      expect(effects[1]).toMatchObject({ message: { id: m.id, parts: [], removedAt: at(3) } });
    });

    it('takes an unread message from someone else off the count', () => {
      const m = message(2, BOB);
      const effects = reduceConversationEvent(state({ unreadCount: 1 }, [m]), removal(m, 3));
      expect(unreadOf(effects)).toEqual({ type: 'unreadChanged', lastReadSeq: 0, unreadCount: 0 });
    });

    it('leaves the count alone for an own message, a read message, or one removed already', () => {
      const own = message(2, ME);
      expect(
        unreadOf(reduceConversationEvent(state({ unreadCount: 1 }, [own]), removal(own, 3))),
      ).toBeUndefined();
      const seen = message(2, BOB);
      expect(
        unreadOf(
          reduceConversationEvent(state({ lastReadSeq: 2, unreadCount: 1 }, [seen]), removal(seen, 3)),
        ),
      ).toBeUndefined();
      const gone = message(2, BOB, { parts: [], removedAt: at(3) });
      const again = reduceConversationEvent(state({ unreadCount: 1 }, [gone]), removal(gone, 4));
      expect(typesOf(again)).toEqual(['dataChanged']);
    });

    it('never takes the count below zero', () => {
      const m = message(2, BOB);
      expect(
        unreadOf(reduceConversationEvent(state({ unreadCount: 0 }, [m]), removal(m, 3))),
      ).toBeUndefined();
    });
  });

  describe('conversation.read', () => {
    it('by someone else moves their read mark only', () => {
      const effects = reduceConversationEvent(state({ unreadCount: 2 }, [message(2, BOB)]), read(BOB, 2, 3));
      expect(typesOf(effects)).toEqual(['dataChanged']);
      expect(dataOf(effects).participants.find((p) => p.userId === BOB)?.lastReadSeq).toBe(2);
    });

    it('by this user on another device clears what it covers of the loaded unread messages', () => {
      const s = state({ unreadCount: 3 }, [
        message(2, BOB),
        message(3, ME),
        message(4, BOB),
        message(5, CAROL),
      ]);
      const effects = reduceConversationEvent(s, read(ME, 4, 6));
      expect(unreadOf(effects)).toEqual({ type: 'unreadChanged', lastReadSeq: 4, unreadCount: 1 });
      expect(dataOf(effects).participants.find((p) => p.userId === ME)?.lastReadSeq).toBe(4);
    });

    it('by this user does not count removed messages as cleared', () => {
      const s = state({ unreadCount: 1 }, [
        message(2, BOB, { parts: [], removedAt: at(4) }),
        message(3, BOB),
      ]);
      expect(unreadOf(reduceConversationEvent(s, read(ME, 3, 5)))).toMatchObject({ unreadCount: 0 });
    });

    it('by this user is ignored when it is behind the read mark this device already has', () => {
      const effects = reduceConversationEvent(
        state({ lastReadSeq: 4, unreadCount: 0, data: { lastSeq: 5 } }),
        read(ME, 3, 6),
      );
      expect(unreadOf(effects)).toBeUndefined();
    });
  });

  it('follows a conversation through a sequence of events', () => {
    const m2 = message(2, BOB);
    const m3 = message(3, CAROL);
    const m4 = message(4, ME);
    const s = applyAll(
      state({ data: { participants: [participant(ME), participant(BOB), participant(CAROL)] } }),
      [
        sent(m2),
        sent(m3),
        sent(m4),
        event('message.removed', 5, { messageId: m3.id, messageSeq: 3, removedAt: at(5) }, CAROL),
        read(BOB, 4, 6),
      ],
    );
    expect(s.data.lastSeq).toBe(6);
    expect(s.unreadCount).toBe(1);
    expect(s.messages.get('m3')?.removedAt).toBe(at(5));
    const after = applyAll(s, [read(ME, 6, 7)]);
    expect([after.lastReadSeq, after.unreadCount]).toEqual([6, 0]);
  });
});

describe('applyOwnReadMark', () => {
  it('clears the count when the mark reaches the last seq', () => {
    const s = state({ unreadCount: 7, data: { lastSeq: 9 } }, [message(9, BOB)]);
    expect(applyOwnReadMark(s, 9)).toEqual([{ type: 'unreadChanged', lastReadSeq: 9, unreadCount: 0 }]);
  });

  it('takes off the loaded unread messages up to the mark when it stops short', () => {
    const s = state({ unreadCount: 3 }, [message(2, BOB), message(3, BOB), message(4, BOB)]);
    expect(applyOwnReadMark(s, 3)).toEqual([{ type: 'unreadChanged', lastReadSeq: 3, unreadCount: 1 }]);
  });

  it('does nothing for a mark that is not ahead', () => {
    expect(applyOwnReadMark(state({ lastReadSeq: 5, data: { lastSeq: 8 } }), 5)).toEqual([]);
    expect(applyOwnReadMark(state({ lastReadSeq: 5, data: { lastSeq: 8 } }), 2)).toEqual([]);
  });
});

describe('readStateAfterSync', () => {
  it('takes the summary when the device holds nothing past it', () => {
    const s = state({ unreadCount: 0, data: { lastSeq: 4 } }, [message(4, BOB)]);
    expect(readStateAfterSync(s, { lastSeq: 4, lastReadSeq: 1, unreadCount: 3 })).toEqual({
      lastReadSeq: 1,
      unreadCount: 3,
    });
  });

  it('adds the messages from others that arrived live while the summary was in flight', () => {
    const s = state({ unreadCount: 3 }, [message(4, BOB), message(5, BOB), message(6, ME)]);
    expect(readStateAfterSync(s, { lastSeq: 4, lastReadSeq: 1, unreadCount: 2 })).toEqual({
      lastReadSeq: 1,
      unreadCount: 3,
    });
  });

  it('keeps a read mark newer than the summary', () => {
    const s = state({ lastReadSeq: 6, unreadCount: 0, data: { lastSeq: 6 } }, [
      message(5, BOB),
      message(6, BOB),
    ]);
    expect(readStateAfterSync(s, { lastSeq: 4, lastReadSeq: 1, unreadCount: 2 })).toEqual({
      lastReadSeq: 6,
      unreadCount: 0,
    });
  });
});

describe('storeMessage (the answer to this device’s send or edit)', () => {
  it('adds a message this device does not hold yet, and confirms it to the outbox', () => {
    expect(typesOf(storeMessage(state(), message(2, ME)))).toEqual(['messageAdded', 'ownMessageStored']);
  });

  it('changes nothing when the live event brought the same message first', () => {
    const m = message(2, ME);
    expect(typesOf(storeMessage(state({}, [m]), structuredClone(m)))).toEqual(['ownMessageStored']);
  });

  it('updates the held copy with an edit’s answer', () => {
    const m = message(2, ME);
    const edited = { ...m, parts: [{ mimeType: 'text/plain', body: 'v2' }], editedAt: at(3) };
    expect(typesOf(storeMessage(state({}, [m]), edited))).toEqual(['messageUpdated', 'ownMessageStored']);
  });

  it('ignores an answer older than what the device holds (a later edit or a removal came first)', () => {
    const m = message(2, ME);
    const v1 = { ...m, parts: [{ mimeType: 'text/plain', body: 'v1' }], editedAt: at(3) };
    const v2 = { ...m, parts: [{ mimeType: 'text/plain', body: 'v2' }], editedAt: at(4) };
    expect(typesOf(storeMessage(state({}, [v2]), v1))).toEqual(['ownMessageStored']);
    const removed = { ...m, parts: [], removedAt: at(5) };
    expect(typesOf(storeMessage(state({}, [removed]), v2))).toEqual(['ownMessageStored']);
  });
});

describe('reactions', () => {
  const reaction = (
    type: 'reaction.added' | 'reaction.removed',
    seq: number,
    emoji: string,
    userId: string,
  ) => event(type, seq, { messageId: 'm2', messageSeq: 2, emoji, userId }, userId);

  it('counts each user once per emoji and drops an emoji nobody uses any more', () => {
    const s = applyAll(state({}, [message(2, ME, { reactions: [] })]), [
      reaction('reaction.added', 3, '👍', BOB),
      reaction('reaction.added', 4, '👍', CAROL),
      reaction('reaction.added', 5, '🎉', ME),
      reaction('reaction.removed', 6, '👍', BOB),
      reaction('reaction.removed', 7, '🎉', ME),
    ]);
    expect(s.messages.get('m2')!.reactions).toEqual([{ emoji: '👍', userIds: [CAROL] }]);
    expect(s.data.lastSeq).toBe(7);
    expect(s.unreadCount).toBe(0);
  });

  it('a reaction the message already shows (or a removal of one it does not) changes nothing', () => {
    const m = message(2, ME, { reactions: [{ emoji: '👍', userIds: [BOB] }] });
    expect(
      typesOf(reduceConversationEvent(state({}, [m]), reaction('reaction.added', 3, '👍', BOB))),
    ).toEqual(['dataChanged']);
    expect(
      typesOf(reduceConversationEvent(state({}, [m]), reaction('reaction.removed', 3, '🎉', BOB))),
    ).toEqual(['dataChanged']);
  });

  it('a message from a history page without reactions takes its first one', () => {
    const effects = reduceConversationEvent(
      state({}, [message(2, ME)]),
      reaction('reaction.added', 3, '🔥', BOB),
    );
    expect(effects.find((e) => e.type === 'messageUpdated')).toMatchObject({
      message: { id: 'm2', reactions: [{ emoji: '🔥', userIds: [BOB] }] },
    });
  });

  it('ignores reactions to messages not loaded or removed', () => {
    expect(typesOf(reduceConversationEvent(state(), reaction('reaction.added', 3, '👍', BOB)))).toEqual([
      'dataChanged',
    ]);
    const removed = message(2, ME, { parts: [], removedAt: at(3) });
    expect(
      typesOf(reduceConversationEvent(state({}, [removed]), reaction('reaction.added', 4, '👍', BOB))),
    ).toEqual(['dataChanged']);
  });

  it('a removed message shows no reactions, quote or mentions', () => {
    const m = message(2, BOB, {
      reactions: [{ emoji: '👍', userIds: [ME] }],
      mentions: [ME],
      replyTo: 'm1',
      replyPreview: { senderId: ME, excerpt: 'hi', removed: false },
    });
    const s = applyAll(state({ lastReadSeq: 2 }, [m]), [
      event('message.removed', 3, { messageId: 'm2', messageSeq: 2, removedAt: at(3) }),
    ]);
    expect(s.messages.get('m2')).toMatchObject({
      parts: [],
      reactions: [],
      mentions: [],
      replyPreview: null,
    });
  });
});

describe('replies and mentions', () => {
  const original = message(2, BOB, { parts: [{ mimeType: 'text/plain', body: 'the question' }] });
  const reply = message(3, ME, {
    replyTo: 'm2',
    replyPreview: { senderId: BOB, excerpt: 'the question', removed: false },
  });

  it('the quotes of loaded replies follow an edit of the original', () => {
    const s = applyAll(state({}, [original, reply]), [
      event('message.edited', 4, {
        messageId: 'm2',
        messageSeq: 2,
        parts: [{ mimeType: 'text/plain', body: 'a  better\nquestion' }],
        editedAt: at(4),
      }),
    ]);
    expect(s.messages.get('m3')!.replyPreview).toEqual({
      senderId: BOB,
      excerpt: 'a better question',
      removed: false,
    });
  });

  it('the quotes of loaded replies lose their text when the original is removed, loaded or not', () => {
    const removal = event('message.removed', 4, { messageId: 'm2', messageSeq: 2, removedAt: at(4) });
    for (const loaded of [[original, reply], [reply]]) {
      const s = applyAll(state({}, loaded), [removal]);
      expect(s.messages.get('m3')!.replyPreview).toEqual({ senderId: BOB, excerpt: '', removed: true });
    }
  });

  it('a new message from someone else that mentions me is announced once', () => {
    const m = message(2, BOB, { mentions: [CAROL, ME] });
    expect(typesOf(reduceConversationEvent(state(), sent(m)))).toEqual([
      'dataChanged',
      'messageAdded',
      'mentioned',
      'unreadChanged',
    ]);
    // Held already (a history page brought it first): still announced, with the held copy.
    expect(typesOf(reduceConversationEvent(state({}, [m]), sent(m)))).toContain('mentioned');
  });

  it('no mention effect for messages that do not mention me, or my own that do', () => {
    expect(
      typesOf(reduceConversationEvent(state(), sent(message(2, BOB, { mentions: [CAROL] })))),
    ).not.toContain('mentioned');
    expect(typesOf(reduceConversationEvent(state(), sent(message(2, ME, { mentions: [ME] }))))).not.toContain(
      'mentioned',
    );
  });
});
