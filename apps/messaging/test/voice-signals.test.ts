// Voice negotiation signals: addressed to one identity, delivered live to its connections, published on the
// bus as voice.signal.v1, never stored in history; voice.call.ended.v1 becomes a call entry in the conversation.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, Topics, type BusEvent } from '@parley/event-bus';
import {
  CallLogBody,
  CallLogMimeType,
  type ServerFrame,
  type VoiceCallEndedEvent,
  type VoiceSignal,
  type VoiceSignalEvent,
} from '@parley/protocol';
import { eventually, testRedisUrl } from '@parley/testing';
import type { TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';
import { startMessagingUnderTest, type MessagingUnderTest } from './support/messaging-under-test.js';

const PROXY_ID = 'voice-proxy';
const PROXY_SECRET = 'voice-proxy-secret-0123456789';
const OTHER_CLIENT_ID = 'crm-backend';
const OTHER_CLIENT_SECRET = 'crm-backend-secret-0123456789';

type VoiceFrame = Extract<ServerFrame, { type: 'voice' }>;
const voiceFrames = (device: TestDevice): VoiceSignal[] =>
  device.frames.flatMap((f) => (f.type === 'voice' ? [f.signal] : []));
const isVoice =
  (kind: VoiceSignal['kind'], callId: string) =>
  (f: ServerFrame): f is VoiceFrame =>
    f.type === 'voice' && f.signal.kind === kind && f.signal.call_id === callId;

describe('voice signals', () => {
  let svc: MessagingUnderTest;
  let bus: EventBus; // consumes as the voice proxy does
  const onBus: VoiceSignalEvent[] = [];
  let ann: TestUser, ben: TestUser, cat: TestUser, op: TestUser;
  let direct: string; // ann + ben
  let support: string; // ann alone
  let proxyToken: string;
  let otherClientToken: string;
  const devices: TestDevice[] = [];
  const connect = async (token: string) => {
    const device = await TestDevice.connect(svc.url, token);
    devices.push(device);
    return device;
  };
  const send = (token: string | undefined, body: Record<string, unknown>) =>
    svc.api.post('/v1/voice/signals', token, body);
  const clientToken = async (id: string, secret: string) => {
    const res = await svc.api.post('/oauth/token', undefined, {
      grant_type: 'client_credentials',
      client_id: id,
      client_secret: secret,
    });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };

  beforeAll(async () => {
    svc = await startMessagingUnderTest('voice', {
      OAUTH_CLIENTS: JSON.stringify([
        { id: PROXY_ID, secret: PROXY_SECRET, scopes: ['voice.proxy'] },
        { id: OTHER_CLIENT_ID, secret: OTHER_CLIENT_SECRET, scopes: ['messages.write'] },
      ]),
    });
    bus = new EventBus({ redisUrl: testRedisUrl, prefix: svc.ns.redisPrefix });
    await bus.subscribe('voice-proxy', {
      [Topics.voiceSignal]: async (event: BusEvent<'voice.signal.v1'>) => {
        onBus.push(event.payload);
      },
    });
    [ann, ben, cat, op] = await Promise.all([
      svc.api.newUser('ann'),
      svc.api.newUser('ben'),
      svc.api.newUser('cat'),
      svc.api.newUser('op'),
    ]);
    direct = (await svc.api.post('/v1/conversations', ann.token, { type: 'direct', participants: [ben.id] }))
      .body.id;
    support = (await svc.api.post('/v1/conversations', ann.token, { type: 'group', title: 'Support' })).body
      .id;
    proxyToken = await clientToken(PROXY_ID, PROXY_SECRET);
    otherClientToken = await clientToken(OTHER_CLIENT_ID, OTHER_CLIENT_SECRET);
  });
  afterAll(async () => {
    devices.forEach((d) => d.close());
    await bus?.close();
    await svc?.stop();
  });

  it('delivers a signal live to every device of the recipient and publishes it on the bus, not in history', async () => {
    const [benPhone, benLaptop, annDevice] = await Promise.all([
      connect(ben.token),
      connect(ben.token),
      connect(ann.token),
    ]);
    const callId = randomUUID();
    const res = await send(ann.token, {
      kind: 'start',
      to: ben.id,
      cid: direct,
      call_id: callId,
      peer_info: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n',
      data: { video: false },
    });
    expect(res.status).toBe(201);
    expect(res.body.delivered).toBe(true);
    const expected = {
      kind: 'start',
      iss: ann.id,
      issKind: 'user',
      to: ben.id,
      toKind: 'user',
      cid: direct,
      call_id: callId,
      peer_info: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n',
      data: { video: false },
    };
    for (const device of [benPhone, benLaptop]) {
      const frame = await device.waitFor(isVoice('start', callId));
      expect(frame.signal).toMatchObject({ ...expected, id: res.body.signal.id });
    }
    const published = await eventually(() => onBus.find((s) => s.call_id === callId), 'the bus event');
    expect(published).toMatchObject({ ...expected, delivered: true });
    // The sender's own devices are not the recipient; nothing is stored in the conversation.
    expect(voiceFrames(annDevice).filter((s) => s.call_id === callId)).toEqual([]);
    const history = await svc.api.get(`/v1/conversations/${direct}/events?fromSeq=1`, ben.token);
    expect(JSON.stringify(history.body)).not.toContain(callId);

    const answer = await send(ben.token, {
      kind: 'accept',
      to: ann.id,
      cid: direct,
      call_id: callId,
      peer_info: 'answer',
    });
    expect(answer.status).toBe(201);
    const accepted = await annDevice.waitFor(isVoice('accept', callId));
    expect(accepted.signal).toMatchObject({ iss: ben.id, peer_info: 'answer' });
  });

  it('rings once for a retried send with the same id, and does not let another issuer reuse the id', async () => {
    const [benDevice, annDevice] = await Promise.all([connect(ben.token), connect(ann.token)]);
    const id = randomUUID();
    const callId = randomUUID();
    const body = { kind: 'start', to: ben.id, cid: direct, call_id: callId, peer_info: 'offer', id };
    const first = await send(ann.token, body);
    const retry = await send(ann.token, body);
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body).toMatchObject({ delivered: true, signal: { id } });
    // Ben answers reusing the id he saw: it is his signal, delivered and queued in its own right.
    const reply = await send(ben.token, { kind: 'busy', to: ann.id, cid: direct, call_id: callId, id });
    expect(reply.status).toBe(201);
    await annDevice.waitFor(isVoice('busy', callId));
    await eventually(
      () => onBus.find((s) => s.call_id === callId && s.kind === 'busy'),
      'ben’s signal on the bus',
    );
    await benDevice.waitFor(isVoice('start', callId));
    // Give a second live frame or bus job every chance to show up before counting.
    const marker = randomUUID();
    await send(ann.token, { kind: 'stop', to: ben.id, cid: direct, call_id: marker });
    await benDevice.waitFor(isVoice('stop', marker));
    await eventually(() => onBus.find((s) => s.call_id === marker), 'the marker on the bus');
    expect(voiceFrames(benDevice).filter((s) => s.call_id === callId)).toHaveLength(1);
    expect(onBus.filter((s) => s.call_id === callId && s.kind === 'start')).toHaveLength(1);
  });

  it('says when nobody is connected to receive a signal, and still publishes it for the proxy to answer', async () => {
    const callId = randomUUID();
    const res = await send(ann.token, {
      kind: 'start',
      to: ben.id,
      cid: direct,
      call_id: callId,
      peer_info: 'offer',
    });
    // Ben's devices from the first test are still connected; use one who has none.
    expect(res.status).toBe(201);
    const toCat = await svc.api.post('/v1/conversations', ann.token, {
      type: 'direct',
      participants: [cat.id],
    });
    const offline = await send(ann.token, {
      kind: 'start',
      to: cat.id,
      cid: toCat.body.id,
      call_id: callId,
      peer_info: 'offer',
    });
    expect(offline.status).toBe(201);
    expect(offline.body.delivered).toBe(false);
    await eventually(
      () => onBus.find((s) => s.call_id === callId && s.to === cat.id && s.delivered === false),
      'the undelivered signal on the bus',
    );
  });

  it('lets a voice proxy ring a non-participant, who may then answer on that call only', async () => {
    const [proxyConnection, opDevice, annDevice] = await Promise.all([
      connect(proxyToken),
      connect(op.token),
      connect(ann.token),
    ]);
    expect(proxyConnection.frames[0]).toMatchObject({ type: 'ready', userId: PROXY_ID });
    const callId = randomUUID();
    // The customer calls the line from their own support conversation.
    const start = await send(ann.token, {
      kind: 'start',
      to: PROXY_ID,
      cid: support,
      call_id: callId,
      peer_info: 'offer',
    });
    expect(start.status).toBe(201);
    expect(start.body.signal).toMatchObject({ toKind: 'client', iss: ann.id });
    await proxyConnection.waitFor(isVoice('start', callId));

    // Before the proxy rings the operator, the operator has no business on this conversation.
    const early = await send(op.token, {
      kind: 'accept',
      to: PROXY_ID,
      cid: support,
      call_id: callId,
      peer_info: 'x',
    });
    expect(early.status).toBe(403);

    const ring = await send(proxyToken, {
      kind: 'start',
      to: op.id,
      cid: support,
      call_id: callId,
      peer_info: 'offer',
      data: { caller_name: 'Customer' },
    });
    expect(ring.status).toBe(201);
    expect(ring.body.delivered).toBe(true);
    const rung = await opDevice.waitFor(isVoice('start', callId));
    expect(rung.signal).toMatchObject({
      iss: PROXY_ID,
      issKind: 'client',
      data: { caller_name: 'Customer' },
    });

    const accept = await send(op.token, {
      kind: 'accept',
      to: PROXY_ID,
      cid: support,
      call_id: callId,
      peer_info: 'answer',
    });
    expect(accept.status).toBe(201);
    await proxyConnection.waitFor(isVoice('accept', callId));
    // The grant covers this call, not the conversation, and never addressing the customer directly.
    const otherCall = await send(op.token, {
      kind: 'start',
      to: PROXY_ID,
      cid: support,
      call_id: randomUUID(),
      peer_info: 'x',
    });
    expect(otherCall.status).toBe(403);
    const direct = await send(op.token, { kind: 'stop', to: ann.id, cid: support, call_id: callId });
    expect(direct.status).toBe(403);
    expect(voiceFrames(annDevice).some((s) => s.iss === op.id)).toBe(false);
  });

  it('refuses bad signals with a precise status and reason', async () => {
    const callId = randomUUID();
    const cases: Array<[string | undefined, Record<string, unknown>, number, RegExp]> = [
      [undefined, { kind: 'stop', to: ben.id, cid: direct, call_id: callId }, 401, /token/i],
      [ann.token, { kind: 'ring', to: ben.id, cid: direct, call_id: callId }, 400, /kind/],
      [ann.token, { kind: 'stop', to: ben.id, cid: 'not-a-uuid', call_id: callId }, 400, /cid/],
      [ann.token, { kind: 'stop', to: ben.id, cid: direct, call_id: 'has spaces' }, 400, /call_id/],
      [
        ann.token,
        { kind: 'busy', to: ben.id, cid: direct, call_id: callId, peer_info: 'sdp' },
        400,
        /peer_info/,
      ],
      [ann.token, { kind: 'stop', to: ben.id, cid: direct, call_id: callId, extra: 1 }, 400, /extra/],
      [ann.token, { kind: 'stop', to: ann.id, cid: direct, call_id: callId }, 400, /issuer/],
      [ann.token, { kind: 'stop', to: randomUUID(), cid: direct, call_id: callId }, 404, /recipient/],
      [ann.token, { kind: 'stop', to: 'no-such-client', cid: direct, call_id: callId }, 404, /recipient/],
      // A machine client that is not a voice proxy cannot be called, nor call anyone.
      [
        ann.token,
        { kind: 'start', to: OTHER_CLIENT_ID, cid: direct, call_id: callId, peer_info: 'x' },
        404,
        /recipient/,
      ],
      [otherClientToken, { kind: 'stop', to: ben.id, cid: direct, call_id: callId }, 403, /voice\.proxy/],
      // Strangers: cat is in neither the conversation nor the call; ben may not address a non-participant.
      [cat.token, { kind: 'stop', to: ben.id, cid: direct, call_id: callId }, 403, /participant/],
      [ben.token, { kind: 'stop', to: cat.id, cid: direct, call_id: callId }, 403, /participant/],
      [ann.token, { kind: 'stop', to: ben.id, cid: randomUUID(), call_id: callId }, 403, /participant/],
    ];
    for (const [token, body, status, reason] of cases) {
      const res = await send(token, body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(JSON.stringify(res.body)).toMatch(reason);
    }
    const malformed = await svc.api.request('POST', '/v1/voice/signals', {
      token: ann.token,
      rawBody: '{"kind": "start",',
      contentType: 'application/json',
    });
    expect(malformed.status).toBe(400);
  });

  it('a machine client without the voice.proxy scope cannot open a live connection', async () => {
    await expect(TestDevice.connect(svc.url, otherClientToken)).rejects.toThrow(/403/);
  });

  it('a call that ended through the proxy is logged in its conversation as the caller’s call entry', async () => {
    const proxyBus = new EventBus({ redisUrl: testRedisUrl, prefix: svc.ns.redisPrefix });
    try {
      const ended: VoiceCallEndedEvent = {
        callId: randomUUID(),
        cid: support,
        callerId: ann.id,
        endReason: 'no-answer',
        startedAt: '2026-11-28T09:00:00.000Z',
        answeredAt: null,
        endedAt: '2026-11-28T09:00:30.000Z',
        durationSeconds: 0,
      };
      const { deliveredToGroups } = await proxyBus.publish(Topics.voiceCallEnded, {
        id: `voice-call-ended-${ended.callId}`,
        payload: ended,
      });
      expect(deliveredToGroups).toContain('messaging-call-log');
      const entry = await eventually(async () => {
        const res = await svc.api.get(`/v1/conversations/${support}/messages`, ann.token);
        const found = (
          res.body.messages as Array<{ senderId: string; parts: Array<{ mimeType: string; body: string }> }>
        )
          .filter((m) => m.parts[0]?.mimeType === CallLogMimeType)
          .map((m) => ({ senderId: m.senderId, call: CallLogBody.parse(JSON.parse(m.parts[0]!.body)) }))
          .find((e) => e.call.callId === ended.callId);
        expect(found).toBeDefined();
        return found!;
      }, 'the missed-call entry');
      expect(entry).toEqual({
        senderId: ann.id,
        call: {
          callId: ended.callId,
          outcome: 'missed',
          durationSeconds: 0,
          video: false,
          startedAt: ended.startedAt,
          answeredAt: null,
          endedAt: ended.endedAt,
          endReason: 'no-answer',
        },
      });
    } finally {
      await proxyBus.close();
    }
  });
});
