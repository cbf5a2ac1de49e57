// Support calls through the proxy against the real messaging service, Redis and PostgreSQL, with customers
// and operators on real WebSockets.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, Topics, type BusEvent } from '@parley/event-bus';
import { VoiceCallPage } from '@parley/protocol';
import { eventually, testRedisUrl } from '@parley/testing';
import { PROXY_CLIENT, SupportWorld } from './support/support-world.js';

const world = new SupportWorld('calls');
let observer: EventBus;
const ended: Array<BusEvent<'voice.call.ended.v1'>> = [];
const endedEvent = (callId: string) =>
  eventually(() => ended.find((e) => e.payload.callId === callId), `voice.call.ended.v1 of ${callId}`);

beforeAll(async () => {
  await world.startMessaging();
  await world.startProxy();
  observer = new EventBus({ redisUrl: testRedisUrl, prefix: world.ns.redisPrefix });
  await observer.subscribe('voice-proxy-test-observer', {
    [Topics.voiceCallEnded]: async (e) => void ended.push(e),
  });
});
afterEach(() => world.offDuty());
afterAll(async () => {
  await observer?.close();
  await world.stop();
});

describe('a support call', () => {
  it('rings the longest-idle operator; a decline rings the next; an accept connects both through the proxy; a stop ends both with a summary', async () => {
    const bob = await world.operator('Bob Operator');
    const carol = await world.operator('Carol Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);

    // Bob, idle longest, is rung first: setup, then start with the customer's SDP, all from the proxy.
    const setup = await bob.socket.next('setup', callId);
    const start = await bob.socket.next('start', callId);
    expect(setup).toMatchObject({ iss: PROXY_CLIENT.id, issKind: 'client', cid: customer.cid });
    expect(setup.data).toEqual({ caller_name: 'Customer' });
    expect(start).toMatchObject({
      iss: PROXY_CLIENT.id,
      peer_info: `v=0 offer of ${callId}`,
      data: { caller_name: 'Customer' },
    });
    expect(carol.socket.kinds(callId)).toEqual([]);

    await world.toLine(bob, customer, callId, 'busy');
    await carol.socket.next('start', callId);
    await world.toLine(carol, customer, callId, 'accept', 'v=0 answer of carol');
    const accept = await customer.socket.next('accept', callId);
    expect(accept).toMatchObject({
      iss: PROXY_CLIENT.id,
      issKind: 'client',
      peer_info: 'v=0 answer of carol',
      data: { operator_name: 'Carol Operator' },
    });

    const line = await world.proxyApi('GET', '/v1/support', carol.token);
    expect(line.body).toEqual({ line: PROXY_CLIENT.id, operator: { available: true, inCall: true } });

    await world.toLine(customer, customer, callId, 'stop');
    await carol.socket.next('stop', callId);
    const [toCustomer, toCarol] = await Promise.all([
      customer.socket.next('summary', callId),
      carol.socket.next('summary', callId),
    ]);
    for (const summary of [toCustomer, toCarol]) {
      expect(summary.iss).toBe(PROXY_CLIENT.id);
      expect(summary.data).toMatchObject({ end_reason: 'completed' });
      expect(typeof summary.data?.duration_seconds).toBe('number');
    }
    expect(customer.socket.kinds(callId)).toEqual(['accept', 'summary']);
    expect(carol.socket.kinds(callId)).toEqual(['setup', 'start', 'stop', 'summary']);
    // Bob's turn ended with his decline: no stop, no summary for him.
    expect(bob.socket.kinds(callId)).toEqual(['setup', 'start']);

    const event = await endedEvent(callId);
    expect(event.payload).toMatchObject({ cid: customer.cid, callerId: customer.id, endReason: 'completed' });
    expect(event.payload.answeredAt).not.toBeNull();
    const entry = await world.callLogEntry(customer, customer.cid, callId);
    expect(entry).toMatchObject({ outcome: 'completed', endReason: 'completed' });

    // Carol is idle again; the record names both operators tried, in order.
    expect((await world.proxyApi('GET', '/v1/support', carol.token)).body.operator).toEqual({
      available: true,
      inCall: false,
    });
    const page = VoiceCallPage.parse((await world.proxyApi('GET', '/v1/support/calls', carol.token)).body);
    const record = page.calls.find((c) => c.callId === callId)!;
    expect(record).toMatchObject({
      cid: customer.cid,
      customerId: customer.id,
      operatorId: carol.id,
      state: 'ended',
      endReason: 'completed',
    });
    expect(record.attempts.map((a) => [a.operatorId, a.outcome])).toEqual([
      [bob.id, 'declined'],
      [carol.id, 'answered'],
    ]);
    expect(record.answeredAt).not.toBeNull();
    expect(record.durationSeconds).toBe(toCustomer.data?.duration_seconds);
    // Bob was rung for it too, so he sees it.
    const bobs = VoiceCallPage.parse((await world.proxyApi('GET', '/v1/support/calls', bob.token)).body);
    expect(bobs.calls.map((c) => c.callId)).toContain(callId);
  });

  it('neither side learns who the other is: no id or username of one in any frame the other received', async () => {
    const dave = await world.operator('Dave Operator');
    const customer = await world.customer('Erin Example');
    const callId = await world.call(customer);
    await dave.socket.next('start', callId);
    await world.toLine(dave, customer, callId, 'accept', 'v=0 answer of dave');
    await customer.socket.next('accept', callId);
    await world.toLine(dave, customer, callId, 'stop');
    await customer.socket.next('stop', callId);
    await Promise.all([customer.socket.next('summary', callId), dave.socket.next('summary', callId)]);
    await world.callLogEntry(customer, customer.cid, callId);

    const atCustomer = customer.socket.rawFrames.join('\n');
    const atOperator = dave.socket.rawFrames.join('\n');
    expect(atCustomer).toContain('Dave Operator'); // the display name is all the customer learns
    expect(atCustomer).not.toContain(dave.id);
    expect(atCustomer).not.toContain(dave.username);
    expect(atOperator).not.toContain(customer.id);
    expect(atOperator).not.toContain(customer.username);
    expect(atOperator).not.toContain('Erin Example');
  });

  it('with nobody on duty the customer hears busy at once; the call is logged as missed', async () => {
    const customer = await world.customer();
    const callId = await world.call(customer);
    await customer.socket.next('busy', callId);
    expect((await customer.socket.next('summary', callId)).data).toEqual({
      duration_seconds: 0,
      end_reason: 'busy',
    });
    expect((await endedEvent(callId)).payload).toMatchObject({ endReason: 'busy', answeredAt: null });
    expect(await world.callLogEntry(customer, customer.cid, callId)).toMatchObject({ outcome: 'missed' });
  });

  it('when the last operator declines, the customer hears busy and the call ends as declined', async () => {
    const frank = await world.operator('Frank Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await frank.socket.next('start', callId);
    await world.toLine(frank, customer, callId, 'busy');
    await customer.socket.next('busy', callId);
    expect((await endedEvent(callId)).payload.endReason).toBe('declined');
    expect(await world.callLogEntry(customer, customer.cid, callId)).toMatchObject({ outcome: 'missed' });
  });

  it('an operator on duty with no device connected is skipped at once for the next one', async () => {
    const gone = await world.operator('Gone Operator', { connected: false });
    const henry = await world.operator('Henry Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await henry.socket.next('start', callId);
    // Skipped, not waited for: the offline operator is off duty now.
    expect((await world.proxyApi('GET', '/v1/support', gone.token)).body.operator).toEqual({
      available: false,
      inCall: false,
    });
    await world.toLine(henry, customer, callId, 'accept', 'v=0 answer');
    await customer.socket.next('accept', callId);
    await world.toLine(customer, customer, callId, 'stop');
    await henry.socket.next('stop', callId);
    const record = VoiceCallPage.parse(
      (await world.proxyApi('GET', '/v1/support/calls', henry.token)).body,
    ).calls.find((c) => c.callId === callId)!;
    expect(record.attempts.map((a) => a.outcome)).toEqual(['offline', 'answered']);
  });

  it('the customer hanging up while it rings stops the operator; the call is caller-cancelled', async () => {
    const ivy = await world.operator('Ivy Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await ivy.socket.next('start', callId);
    await world.toLine(customer, customer, callId, 'stop');
    await ivy.socket.next('stop', callId);
    expect((await customer.socket.next('summary', callId)).data).toMatchObject({
      end_reason: 'caller-cancelled',
    });
    expect((await endedEvent(callId)).payload.endReason).toBe('caller-cancelled');
    // Ivy is back in the queue for the next call.
    expect((await world.proxyApi('GET', '/v1/support', ivy.token)).body.operator).toEqual({
      available: true,
      inCall: false,
    });
  });

  it('a customer already in a call gets busy for a second one, and the first goes on', async () => {
    const jack = await world.operator('Jack Operator');
    await world.operator('Kim Operator');
    const customer = await world.customer();
    const first = await world.call(customer);
    await jack.socket.next('start', first);
    const second = await world.call(customer);
    await customer.socket.next('busy', second);
    await world.toLine(jack, customer, first, 'accept', 'v=0 answer');
    await customer.socket.next('accept', first);
    await world.toLine(customer, customer, first, 'stop');
    await jack.socket.next('stop', first);
  });
});

describe('duplicated and late signals', () => {
  it('a repeated start, a second accept, a late accept and a stop after the end change nothing', async () => {
    const lena = await world.operator('Lena Operator');
    const mike = await world.operator('Mike Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await lena.socket.next('start', callId);
    // The same start again (a client retry): nobody else is rung, nothing is answered.
    await world.call(customer, callId);
    await world.toLine(lena, customer, callId, 'busy');
    await mike.socket.next('start', callId);
    await world.toLine(mike, customer, callId, 'accept', 'v=0 answer');
    await customer.socket.next('accept', callId);
    await world.toLine(mike, customer, callId, 'accept', 'v=0 answer again');
    // Lena answers after her turn: she is told to stop, the customer hears nothing of it.
    await world.toLine(lena, customer, callId, 'accept', 'v=0 late answer');
    await lena.socket.next('stop', callId);
    await world.toLine(customer, customer, callId, 'stop');
    await mike.socket.next('stop', callId);
    await Promise.all([customer.socket.next('summary', callId), mike.socket.next('summary', callId)]);
    await world.toLine(customer, customer, callId, 'stop');
    await world.toLine(mike, customer, callId, 'stop');
    await world.toLine(mike, customer, callId, 'accept', 'v=0 after the end');
    // A later call is the barrier: anything the duplicates caused would have arrived before its signals.
    // Lena went back to the queue at her decline, before Mike at the end: she has been idle longest.
    const barrier = await world.call(customer);
    await lena.socket.next('start', barrier);
    await world.toLine(customer, customer, barrier, 'stop');
    await lena.socket.next('stop', barrier);

    expect(customer.socket.kinds(callId)).toEqual(['accept', 'summary']);
    expect(mike.socket.kinds(callId)).toEqual(['setup', 'start', 'stop', 'summary']);
    expect(lena.socket.kinds(callId)).toEqual(['setup', 'start', 'stop']);
    expect(ended.filter((e) => e.payload.callId === callId)).toHaveLength(1);
    // Every signal id a party received is distinct: retried sends reuse ids, so receivers can drop them.
    const ids = [...customer.socket.signals, ...mike.socket.signals].map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('a direct call between users that reaches nobody', () => {
  it('the caller hears busy from the proxy and the call is logged as missed in their conversation', async () => {
    const caller = await world.customer('Nina');
    const callee = await world.signUp(`callee-${Date.now().toString(36)}`, 'Oscar');
    const res = await fetch(`${world.messagingUrl}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${caller.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'direct', participants: [callee.id], distinct: true }),
    });
    const cid = ((await res.json()) as { id: string }).id;
    const sent = await world.send(caller, {
      kind: 'start',
      to: callee.id,
      cid,
      call_id: 'direct-1',
      peer_info: 'v=0 direct offer',
    });
    expect(sent.delivered).toBe(false);
    const busy = await caller.socket.next('busy', 'direct-1');
    expect(busy).toMatchObject({ iss: PROXY_CLIENT.id, cid });
    expect((await endedEvent('direct-1')).payload).toMatchObject({
      cid,
      callerId: caller.id,
      answeredAt: null,
    });
    expect(await world.callLogEntry(caller, cid, 'direct-1')).toMatchObject({ outcome: 'missed' });
  });
});
