// Calls in conversation history: terminal-core's call.ended.v1 facts on the bus become a call entry in the
// two users' direct conversation (a message from the caller with an application/vnd.parley.call+json part).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, InvalidPayloadError, Topics } from '@parley/event-bus';
import { CallLogBody, CallLogMimeType, type CallEndedEvent } from '@parley/protocol';
import { eventually, randomMsisdn, testRedisUrl } from '@parley/testing';
import { uniqueUsername, type TestUser } from './support/api-client.js';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';

interface CallUser extends TestUser {
  msisdn: string;
}

describe('call log (call.ended.v1 → direct conversation)', () => {
  let svc: MessagingUnderTest;
  let terminalCore: EventBus; // publishes as terminal-core does
  let ann: CallUser, ben: CallUser, cat: CallUser;

  const signUp = async (name: string): Promise<CallUser> => {
    const number = randomMsisdn();
    return { ...(await svc.api.signUp(uniqueUsername(name), { msisdn: number })), msisdn: number };
  };

  const fact = (over: Partial<CallEndedEvent> = {}): CallEndedEvent => ({
    callId: randomUUID(),
    callerMsisdn: ann.msisdn,
    calleeMsisdn: ben.msisdn,
    startedAt: '2026-11-28T09:00:00.000Z',
    answeredAt: '2026-11-28T09:00:05.000Z',
    endedAt: '2026-11-28T09:02:18.000Z',
    endReason: 'hangup',
    video: true,
    ...over,
  });

  const publish = (call: CallEndedEvent, eventId = `call-ended-${call.callId}`) =>
    terminalCore.publish(Topics.callEnded, { id: eventId, payload: call, occurredAt: call.endedAt });

  /** The direct conversation of two users, from the first one's /v1/me. */
  const directOf = async (user: TestUser, other: TestUser) => {
    const me = await svc.api.get<{
      conversations: Array<{
        id: string;
        type: string;
        unreadCount: number;
        participants: Array<{ userId: string }>;
      }>;
    }>('/v1/me', user.token);
    return me.body.conversations.find(
      (c) => c.type === 'direct' && c.participants.some((p) => p.userId === other.id),
    );
  };

  const callEntries = async (user: TestUser, conversationId: string) => {
    const res = await svc.api.get<{
      messages: Array<{
        senderId: string;
        clientMessageId: string;
        parts: Array<{ mimeType: string; body: string }>;
      }>;
    }>(`/v1/conversations/${conversationId}/messages`, user.token);
    return res.body.messages
      .filter((m) => m.parts[0]?.mimeType === CallLogMimeType)
      .map((m) => ({ senderId: m.senderId, call: CallLogBody.parse(JSON.parse(m.parts[0]!.body)) }));
  };

  beforeAll(async () => {
    svc = await startMessagingUnderTest('call-log');
    terminalCore = new EventBus({ redisUrl: testRedisUrl, prefix: svc.ns.redisPrefix });
    [ann, ben, cat] = await Promise.all([signUp('ann'), signUp('ben'), signUp('cat')]);
  });
  afterAll(async () => {
    await terminalCore?.close();
    await svc?.stop();
  });

  it('an answered call creates the direct conversation and shows there as a completed call with its duration', async () => {
    const call = fact();
    expect(await directOf(ann, ben)).toBeUndefined();
    const { deliveredToGroups } = await publish(call);
    expect(deliveredToGroups).toEqual(['messaging-call-log']);

    const conversation = await eventually(() => directOf(ben, ann), 'the direct conversation');
    const entries = await eventually(async () => {
      const e = await callEntries(ben, conversation.id);
      expect(e).toHaveLength(1);
      return e;
    }, 'one call entry');
    expect(entries[0]).toEqual({
      senderId: ann.id,
      call: {
        callId: call.callId,
        outcome: 'completed',
        callerMsisdn: ann.msisdn,
        durationSeconds: 133,
        video: true,
        startedAt: call.startedAt,
        answeredAt: call.answeredAt,
        endedAt: call.endedAt,
        endReason: 'hangup',
      },
    });
    // Both see the same conversation (the distinct direct one).
    expect((await directOf(ann, ben))?.id).toBe(conversation.id);
  });

  it('the same call reported twice (a second event id, past the bus de-duplication) is logged once', async () => {
    const call = fact({ answeredAt: null, endReason: 'no_answer' });
    await publish(call);
    await publish(call, `call-ended-${call.callId}-again`);
    const barrier = fact({ answeredAt: null, endReason: 'busy' });
    await publish(barrier);
    const conversation = (await directOf(ann, ben))!;
    await eventually(async () => {
      const ids = (await callEntries(ann, conversation.id)).map((e) => e.call.callId);
      expect(ids).toContain(barrier.callId);
      expect(ids.filter((id) => id === call.callId)).toHaveLength(1);
      return true;
    }, 'the barrier call logged');
  });

  it('a missed call into an existing conversation counts as unread for the callee, not for the caller', async () => {
    const conversation = (await directOf(ben, ann))!;
    await svc.api.post(`/v1/conversations/${conversation.id}/read`, ben.token, { seq: 1_000_000 });
    const call = fact({ answeredAt: null, endReason: 'no_answer', video: false });
    await publish(call);
    await eventually(async () => (await directOf(ben, ann))?.unreadCount === 1, 'one unread for the callee');
    expect((await directOf(ann, ben))?.unreadCount).toBe(0);
    const entry = (await callEntries(ben, conversation.id)).find((e) => e.call.callId === call.callId);
    expect(entry?.call).toMatchObject({
      outcome: 'missed',
      durationSeconds: 0,
      video: false,
      answeredAt: null,
    });
  });

  it('a declined call is logged as declined; a call from the callee back is logged with the callee as sender', async () => {
    const declined = fact({ answeredAt: null, endReason: 'rejected' });
    const back = fact({ callerMsisdn: ben.msisdn, calleeMsisdn: ann.msisdn });
    await publish(declined);
    await publish(back);
    const conversation = (await directOf(ann, ben))!;
    await eventually(async () => {
      const entries = await callEntries(ann, conversation.id);
      expect(entries.find((e) => e.call.callId === declined.callId)?.call.outcome).toBe('declined');
      expect(entries.find((e) => e.call.callId === back.callId)?.senderId).toBe(ben.id);
      return true;
    }, 'both calls logged');
  });

  it('a call with a number that is nobody’s account is not logged anywhere', async () => {
    const stranger = fact({ callerMsisdn: cat.msisdn, calleeMsisdn: '+4799999999' });
    await publish(stranger);
    const barrier = fact({ callerMsisdn: cat.msisdn, calleeMsisdn: ann.msisdn });
    await publish(barrier);
    await eventually(() => directOf(cat, ann), 'the barrier conversation');
    const me = await svc.api.get<{ conversations: unknown[] }>('/v1/me', cat.token);
    expect(me.body.conversations).toHaveLength(1);
  });

  it('a fact off the protocol schema is refused at the publisher, before anything reaches messaging', async () => {
    await expect(
      terminalCore.publish(Topics.callEnded, {
        id: 'call-ended-bad',
        payload: { ...fact(), callerMsisdn: 'not-a-number', endedAt: 'yesterday' } as CallEndedEvent,
      }),
    ).rejects.toBeInstanceOf(InvalidPayloadError);
  });

  it('a client cannot post a malformed call entry through the API', async () => {
    const conversation = (await directOf(ann, ben))!;
    const res = await svc.api.post(`/v1/conversations/${conversation.id}/messages`, ann.token, {
      clientMessageId: 'fake-call-1',
      parts: [{ mimeType: CallLogMimeType, body: JSON.stringify({ callId: 'x', outcome: 'long' }) }],
    });
    expect(res.status).toBe(400);
  });
});
