// Provider calls in conversations: the gateway's provider.call.updated.v1 facts on the bus become one
// application/voip-link message from the member who started the call, edited on every later update.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerGroups, EventBus, InvalidPayloadError, Topics } from '@parley/event-bus';
import {
  KnownMimeTypes,
  VoipLinkBody,
  type ConversationEvent,
  type ProviderCallUpdatedEvent,
} from '@parley/protocol';
import { eventually, testRedisUrl } from '@parley/testing';
import type { TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';

interface StoredMessage {
  id: string;
  seq: number;
  senderId: string;
  clientMessageId: string;
  editedAt: string | null;
  parts: Array<{ mimeType: string; body: string }>;
}

describe('call links (provider.call.updated.v1 → a live voip-link message)', () => {
  let svc: MessagingUnderTest;
  let gateway: EventBus; // publishes as the webhook gateway does
  let jobs: Queue; // the group's queue, read to know when an update was handled
  let ann: TestUser, ben: TestUser, cat: TestUser;
  let conversationId: string;

  const created = (callId: string, createdBy = ann.id, cid = conversationId): ProviderCallUpdatedEvent => ({
    callId,
    conversationId: cid,
    createdBy,
    voipLink: {
      provider: 'livekit',
      callId: `room-${callId.slice(0, 8)}`,
      joinUrl: `https://meet.example.com/room-${callId.slice(0, 8)}`,
      status: 'created',
      media: 'video',
      gatewayCallId: callId,
    },
  });
  const startedOf = (
    e: ProviderCallUpdatedEvent,
    participants = ['ann', 'ben'],
  ): ProviderCallUpdatedEvent => ({
    ...e,
    voipLink: { ...e.voipLink, status: 'started', participants, startedAt: '2026-11-28T10:00:00.000Z' },
  });
  const endedOf = (e: ProviderCallUpdatedEvent): ProviderCallUpdatedEvent => ({
    ...e,
    voipLink: {
      ...startedOf(e).voipLink,
      status: 'ended',
      participants: [],
      endedAt: '2026-11-28T10:02:05.000Z',
      durationSeconds: 125,
    },
  });

  /** Publishes as the gateway does; resolves once messaging's consumer has handled (or refused) it. */
  const publish = async (update: ProviderCallUpdatedEvent, eventId = randomUUID()) => {
    const { deliveredToGroups } = await gateway.publish(Topics.providerCallUpdated, {
      id: eventId,
      payload: update,
    });
    expect(deliveredToGroups).toContain(ConsumerGroups.messagingCallLinks);
    await eventually(async () => {
      const state = await jobs.getJobState(eventId);
      return state === 'completed' || state === 'failed';
    }, `update ${eventId} handled`);
    return eventId;
  };

  const history = async (user: TestUser, cid = conversationId) =>
    (await svc.api.get<{ messages: StoredMessage[] }>(`/v1/conversations/${cid}/messages`, user.token)).body
      .messages;

  /** The call's message as `user` sees it, with its voip-link body parsed. */
  const callMessage = async (user: TestUser, callId: string, cid = conversationId) => {
    const message = (await history(user, cid)).find((m) => m.clientMessageId === `voip-link:${callId}`);
    if (!message) return undefined;
    expect(message.parts).toHaveLength(1);
    expect(message.parts[0]!.mimeType).toBe(KnownMimeTypes.voipLink);
    return { ...message, link: VoipLinkBody.parse(JSON.parse(message.parts[0]!.body)) };
  };

  /** The conversation's events about one message, from its log. */
  const eventsOf = async (messageId: string, cid = conversationId) => {
    const res = await svc.api.get<{ events: ConversationEvent[] }>(
      `/v1/conversations/${cid}/events?fromSeq=1`,
      ann.token,
    );
    return res.body.events.filter(
      (e) =>
        (e.type === 'message.sent' && e.payload.message.id === messageId) ||
        (e.type === 'message.edited' && e.payload.messageId === messageId),
    );
  };

  const newGroup = async (owner: TestUser, members: TestUser[]) => {
    const res = await svc.api.post<{ id: string }>('/v1/conversations', owner.token, {
      type: 'group',
      participants: members.map((m) => m.id),
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  beforeAll(async () => {
    svc = await startMessagingUnderTest('call-links');
    gateway = new EventBus({ redisUrl: testRedisUrl, prefix: svc.ns.redisPrefix });
    jobs = new Queue(ConsumerGroups.messagingCallLinks, {
      connection: { url: testRedisUrl },
      prefix: svc.ns.redisPrefix,
    });
    [ann, ben, cat] = await Promise.all([
      svc.api.newUser('ann'),
      svc.api.newUser('ben'),
      svc.api.newUser('cat'),
    ]);
    conversationId = await newGroup(ann, [ben]);
  });
  afterAll(async () => {
    await jobs?.close();
    await gateway?.close();
    await svc?.stop();
  });

  it('the first update posts the call card from its creator; later updates edit it to started, then ended', async () => {
    const call = created(randomUUID());
    await publish(call);
    const posted = await callMessage(ben, call.callId);
    expect(posted).toMatchObject({ senderId: ann.id, editedAt: null, link: call.voipLink });

    await publish(startedOf(call));
    const started = await callMessage(ben, call.callId);
    expect(started?.id).toBe(posted!.id);
    expect(started?.seq).toBe(posted!.seq); // edited in place, not a new message
    expect(started?.editedAt).not.toBeNull();
    expect(started?.link).toMatchObject({ status: 'started', participants: ['ann', 'ben'] });

    await publish(endedOf(call));
    const ended = await callMessage(ann, call.callId);
    expect(ended?.link).toEqual(endedOf(call).voipLink);
    expect((await eventsOf(posted!.id)).map((e) => e.type)).toEqual([
      'message.sent',
      'message.edited',
      'message.edited',
    ]);
    expect((await history(ann)).filter((m) => m.clientMessageId === `voip-link:${call.callId}`)).toHaveLength(
      1,
    );
  });

  it('a connected device receives message.sent, then message.edited with the new card', async () => {
    const device = await TestDevice.connect(svc.url, ben.token);
    try {
      const call = created(randomUUID());
      await publish(call);
      const sent = await device.waitForEvent(
        (e) => e.type === 'message.sent' && e.payload.message.clientMessageId === `voip-link:${call.callId}`,
      );
      if (sent.type !== 'message.sent') throw new Error('expected message.sent');
      expect(JSON.parse(sent.payload.message.parts[0]!.body!)).toEqual(call.voipLink);

      await publish(startedOf(call, ['ann']));
      const edited = await device.waitForEvent(
        (e) => e.type === 'message.edited' && e.payload.messageId === sent.payload.message.id,
      );
      if (edited.type !== 'message.edited') throw new Error('expected message.edited');
      expect(edited.seq).toBeGreaterThan(sent.seq);
      expect(edited.actorId).toBe(ann.id);
      expect(JSON.parse(edited.payload.parts[0]!.body!)).toMatchObject({
        status: 'started',
        participants: ['ann'],
      });
    } finally {
      device.close();
    }
  });

  it('a device that was offline catches the edits up by seq', async () => {
    const call = created(randomUUID());
    await publish(call);
    const posted = (await callMessage(ben, call.callId))!;
    await publish(startedOf(call));
    await publish(endedOf(call));
    const res = await svc.api.get<{ events: ConversationEvent[] }>(
      `/v1/conversations/${conversationId}/events?fromSeq=${posted.seq + 1}`,
      ben.token,
    );
    const edits = res.body.events.flatMap((e) =>
      e.type === 'message.edited' && e.payload.messageId === posted.id ? [e] : [],
    );
    expect(edits.map((e) => VoipLinkBody.parse(JSON.parse(e.payload.parts[0]!.body!)).status)).toEqual([
      'started',
      'ended',
    ]);
  });

  it('a redelivered update (a second event id) changes nothing', async () => {
    const call = created(randomUUID());
    await publish(call);
    await publish(call);
    await publish(startedOf(call));
    await publish(startedOf(call));
    const message = (await callMessage(ann, call.callId))!;
    expect((await eventsOf(message.id)).map((e) => e.type)).toEqual(['message.sent', 'message.edited']);
  });

  it('an update older than the card is skipped: the card never moves backwards', async () => {
    const call = created(randomUUID());
    await publish(call);
    await publish(endedOf(call));
    await publish(startedOf(call)); // arrived late, after a retry
    await publish(call);
    const message = (await callMessage(ben, call.callId))!;
    expect(message.link).toEqual(endedOf(call).voipLink);
    expect((await eventsOf(message.id)).map((e) => e.type)).toEqual(['message.sent', 'message.edited']);

    // Reordered before the message existed: the first update to arrive is posted as it is.
    const late = created(randomUUID());
    await publish(endedOf(late));
    await publish(startedOf(late));
    expect((await callMessage(ben, late.callId))?.link.status).toBe('ended');
  });

  it('the card is kept current even when its creator may not edit their own messages', async () => {
    const group = await newGroup(ann, [ben]);
    const res = await svc.api.patch(`/v1/conversations/${group}/participants/${ben.id}`, ann.token, {
      permissions: { editOwn: false },
    });
    expect(res.status).toBe(200);
    const call = created(randomUUID(), ben.id, group);
    await publish(call);
    await publish(endedOf(call));
    const message = (await callMessage(ann, call.callId, group))!;
    expect(message.senderId).toBe(ben.id);
    expect(message.link.status).toBe('ended');
    // The member themself still cannot edit it.
    const edit = await svc.api.patch(`/v1/conversations/${group}/messages/${message.id}`, ben.token, {
      parts: [{ mimeType: 'text/plain', body: 'not a call' }],
    });
    expect(edit.status).toBe(403);
  });

  it('a call whose creator is not (or no longer) a participant is not written', async () => {
    const group = await newGroup(ann, [ben]);
    const stranger = created(randomUUID(), cat.id, group);
    await publish(stranger);
    expect(await callMessage(ann, stranger.callId, group)).toBeUndefined();

    const call = created(randomUUID(), ben.id, group);
    await publish(call);
    await svc.api.post(`/v1/conversations/${group}/leave`, ben.token, {});
    await publish(endedOf(call));
    expect((await callMessage(ann, call.callId, group))?.link.status).toBe('created');
  });

  it('a creator who may not write in the conversation gets no card, and the update is not retried', async () => {
    const group = await newGroup(ann, [ben]);
    const res = await svc.api.patch(`/v1/conversations/${group}/participants/${ben.id}`, ann.token, {
      permissions: { write: false },
    });
    expect(res.status).toBe(200);
    const call = created(randomUUID(), ben.id, group);
    const eventId = await publish(call);
    expect(await jobs.getJobState(eventId)).toBe('completed');
    expect(await callMessage(ann, call.callId, group)).toBeUndefined();
  });

  it('an update off the protocol schema is refused at the publisher', async () => {
    const call = created(randomUUID());
    await expect(
      gateway.publish(Topics.providerCallUpdated, {
        id: randomUUID(),
        payload: {
          ...call,
          voipLink: { ...call.voipLink, status: 'paused' },
        } as unknown as ProviderCallUpdatedEvent,
      }),
    ).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(
      gateway.publish(Topics.providerCallUpdated, {
        id: randomUUID(),
        payload: { ...call, conversationId: 'not-a-uuid' },
      }),
    ).rejects.toBeInstanceOf(InvalidPayloadError);
  });

  it('a malformed job that reaches the queue anyway goes to the dead letters at once, writing nothing', async () => {
    const call = created(randomUUID());
    const jobId = randomUUID();
    await jobs.add(
      Topics.providerCallUpdated,
      {
        id: jobId,
        topic: Topics.providerCallUpdated,
        occurredAt: new Date().toISOString(),
        payload: { ...call, voipLink: { ...call.voipLink, joinUrl: 'not a url', extra: true } },
      },
      { jobId, attempts: 8, backoff: { type: 'exponential', delay: 10 } },
    );
    const [deadLetter] = await eventually(async () => {
      const letters = (await gateway.deadLetters(ConsumerGroups.messagingCallLinks)).filter(
        (d) => d.jobId === jobId,
      );
      return letters.length > 0 ? letters : undefined;
    }, 'the dead letter');
    expect(deadLetter).toMatchObject({ topic: Topics.providerCallUpdated, attemptsMade: 1 });
    expect(deadLetter?.failedReason).toMatch(/refused a "provider\.call\.updated\.v1" job/);
    expect(await callMessage(ann, call.callId)).toBeUndefined();
  });
});
