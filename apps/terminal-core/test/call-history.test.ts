// Finished calls leave the core as call.ended.v1 facts on the event bus (messaging logs them), and the
// ICE servers endpoint hands browsers STUN/TURN with time-limited TURN credentials.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, Topics, type BusEvent } from '@parley/event-bus';
import { IceServersResponse } from '@parley/protocol';
import { eventually, testRedisUrl } from '@parley/testing';
import { turnRestPassword } from '../src/ice/turn-credentials.js';
import { TerminalFixture } from './support/terminal-fixture.js';

const world = new TerminalFixture('hist', '+4792');
const TURN_SECRET = 'integration-test-turn-secret';
let messaging: EventBus; // consumes as messaging's call log does
const received: Array<BusEvent<'call.ended.v1'>> = [];

beforeAll(async () => {
  await world.start({
    STUN_URLS: 'stun:stun.example.test:3478',
    TURN_URLS: 'turn:turn.example.test:3478?transport=udp',
    TURN_SECRET,
    TURN_TTL_SECONDS: '600',
  });
  messaging = new EventBus({ redisUrl: testRedisUrl, prefix: world.ns.redisPrefix });
  await messaging.subscribe('history-test', { [Topics.callEnded]: async (e) => void received.push(e) });
});
afterEach(() => world.closeTerminals());
afterAll(async () => {
  await messaging?.close();
  await world.stop();
});

const factOf = (callId: string) =>
  eventually(() => received.find((e) => e.payload.callId === callId), `call.ended for ${callId}`);

describe('call.ended.v1', () => {
  it('an answered call that is hung up: both numbers, its times and the reason, once', async () => {
    const { caller, id, a, b } = await world.activeCall();
    caller.bye(id, 'hangup');
    const event = await factOf(id);
    expect(event.id).toBe(`call-ended-${id}`);
    expect(event.payload).toMatchObject({
      callId: id,
      callerMsisdn: a,
      calleeMsisdn: b,
      endReason: 'hangup',
    });
    expect(event.payload.answeredAt).not.toBeNull();
    const { startedAt, answeredAt, endedAt } = event.payload;
    expect(Date.parse(startedAt)).toBeLessThanOrEqual(Date.parse(answeredAt!));
    expect(Date.parse(answeredAt!)).toBeLessThanOrEqual(Date.parse(endedAt));
    expect(event.payload.video).toBe(false); // the fixture's SDP has no m=video
  });

  it('a call the callee declines: not answered, reason rejected', async () => {
    const [a, b] = [world.msisdn(), world.msisdn()];
    const caller = await world.terminal(a);
    const callee = await world.terminal(b);
    const id = randomUUID();
    caller.offer(id, b, 'v=0\r\nm=audio 9 X 111\r\nm=video 9 X 96\r\n');
    await callee.next('offer', id);
    callee.bye(id, 'rejected');
    const event = await factOf(id);
    expect(event.payload).toMatchObject({ answeredAt: null, endReason: 'rejected', video: true });
  });

  it('a call to a number with no terminal: a missed call (callee_offline) for that number', async () => {
    const [a, b] = [world.msisdn(), world.msisdn()];
    const caller = await world.terminal(a);
    const id = randomUUID();
    caller.offer(id, b);
    await caller.next('bye', id);
    const event = await factOf(id);
    expect(event.payload).toMatchObject({
      callerMsisdn: a,
      calleeMsisdn: b,
      answeredAt: null,
      endReason: 'callee_offline',
    });
  });

  it('a call to one’s own number is not reported', async () => {
    const a = world.msisdn();
    const caller = await world.terminal(a);
    const self = randomUUID();
    caller.offer(self, a);
    await caller.next('bye', self);
    // A later call's fact is the barrier: the self call would have been published before it.
    const barrier = randomUUID();
    caller.offer(barrier, world.msisdn());
    await factOf(barrier);
    expect(received.some((e) => e.payload.callId === self)).toBe(false);
  });
});

describe('GET /v1/ice-servers', () => {
  it('gives a signed-in user STUN and TURN with credentials for their id, valid for the ttl', async () => {
    const token = await world.tokenFor(world.msisdn());
    const before = Math.floor(Date.now() / 1000);
    const res = await fetch(`${world.core.httpUrl}/v1/ice-servers`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = IceServersResponse.parse(await res.json());
    expect(body.iceServers[0]).toEqual({ urls: ['stun:stun.example.test:3478'] });
    const turn = body.iceServers[1]!;
    expect(turn.urls).toEqual(['turn:turn.example.test:3478?transport=udp']);
    const [expiry, userId] = turn.username!.split(':');
    const subject = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;
    expect(userId).toBe(subject);
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 600);
    expect(Number(expiry)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 600);
    expect(turn.credential).toBe(turnRestPassword(TURN_SECRET, turn.username!));
    expect(body.ttlSeconds).toBe(600);
    expect(Date.parse(body.expiresAt!)).toBe(Number(expiry) * 1000);
  });

  it('refuses a request without a valid token (401)', async () => {
    expect((await fetch(`${world.core.httpUrl}/v1/ice-servers`)).status).toBe(401);
    const forged = await fetch(`${world.core.httpUrl}/v1/ice-servers`, {
      headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln' },
    });
    expect(forged.status).toBe(401);
  });
});
