// Unanswered rings end after VOICE_RING_TIMEOUT_MS (a delayed job on the bus), here made short.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VoiceCallPage } from '@parley/protocol';
import { SupportWorld } from './support/support-world.js';

const world = new SupportWorld('ring');

beforeAll(async () => {
  await world.startMessaging();
  await world.startProxy({ VOICE_RING_TIMEOUT_MS: '600' });
});
afterEach(() => world.offDuty());
afterAll(() => world.stop());

describe('ring timeout', () => {
  it('nobody answers: each operator is stopped in turn, the customer hears busy, a missed call is logged', async () => {
    const pat = await world.operator('Pat Operator');
    const quinn = await world.operator('Quinn Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);

    await pat.socket.next('start', callId);
    await pat.socket.next('stop', callId);
    await quinn.socket.next('start', callId);
    await quinn.socket.next('stop', callId);
    await customer.socket.next('busy', callId);
    expect((await customer.socket.next('summary', callId)).data).toEqual({
      duration_seconds: 0,
      end_reason: 'no-answer',
    });
    expect(await world.callLogEntry(customer, customer.cid, callId)).toMatchObject({
      outcome: 'missed',
      endReason: 'no-answer',
    });
    const record = VoiceCallPage.parse(
      (await world.proxyApi('GET', '/v1/support/calls', pat.token)).body,
    ).calls.find((c) => c.callId === callId)!;
    expect(record).toMatchObject({
      state: 'ended',
      endReason: 'no-answer',
      operatorId: null,
      durationSeconds: 0,
    });
    expect(record.attempts.map((a) => [a.operatorId, a.outcome])).toEqual([
      [pat.id, 'no-answer'],
      [quinn.id, 'no-answer'],
    ]);
    // Neither operator got a summary: they never took part.
    expect(pat.socket.kinds(callId)).toEqual(['setup', 'start', 'stop']);
    expect(quinn.socket.kinds(callId)).toEqual(['setup', 'start', 'stop']);
  });

  it('an accept after the operator’s ring timed out gets stop and connects nobody', async () => {
    const ray = await world.operator('Ray Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await ray.socket.next('start', callId);
    await customer.socket.next('busy', callId);
    await world.toLine(ray, customer, callId, 'accept', 'v=0 too late');
    await customer.socket.next('summary', callId);
    // Two stops: the timeout's and the answer to the late accept.
    await expect
      .poll(() => ray.socket.kinds(callId).filter((k) => k === 'stop').length, { timeout: 10_000 })
      .toBe(2);
    expect(customer.socket.kinds(callId)).toEqual(['busy', 'summary']);
  });

  it('an answered call is not cut by its ring timer', async () => {
    const sam = await world.operator('Sam Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await sam.socket.next('start', callId);
    await world.toLine(sam, customer, callId, 'accept', 'v=0 answer');
    await customer.socket.next('accept', callId);
    // A clock without sleeping: Tom is rung after Sam was, so when Tom's ring times out, Sam's would have too.
    const tom = await world.operator('Tom Operator');
    const other = await world.customer();
    const probe = await world.call(other);
    await tom.socket.next('start', probe);
    await tom.socket.next('stop', probe);
    expect(customer.socket.kinds(callId)).toEqual(['accept']);
    expect(sam.socket.kinds(callId)).toEqual(['setup', 'start']);
    expect((await world.proxyApi('GET', '/v1/support', sam.token)).body.operator).toEqual({
      available: true,
      inCall: true,
    });
    await world.toLine(sam, customer, callId, 'stop');
    await customer.socket.next('stop', callId);
  });
});
