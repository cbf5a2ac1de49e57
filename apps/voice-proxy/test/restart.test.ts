// The proxy keeps no call in process memory: a restart between start and accept, or a kill mid-call,
// loses nothing (the bus keeps the signals, PostgreSQL the calls, Redis the queue).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SupportWorld } from './support/support-world.js';

const world = new SupportWorld('restart');

beforeAll(async () => {
  await world.startMessaging();
});
afterEach(() => world.offDuty());
afterAll(() => world.stop());

describe('a proxy that goes away', () => {
  it('restarted between start and accept: the call still connects and ends normally', async () => {
    let proxy = await world.startProxyProcess();
    const uma = await world.operator('Uma Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await uma.socket.next('start', callId);

    expect(await proxy.stop()).toEqual({ code: 0, signal: null });
    // Answered while no proxy runs: the signal waits on the bus.
    await world.toLine(uma, customer, callId, 'accept', 'v=0 answer while down');
    proxy = await world.startProxyProcess();

    const accept = await customer.socket.next('accept', callId, 20_000);
    expect(accept).toMatchObject({
      peer_info: 'v=0 answer while down',
      data: { operator_name: 'Uma Operator' },
    });
    await world.toLine(customer, customer, callId, 'stop');
    await uma.socket.next('stop', callId);
    await Promise.all([customer.socket.next('summary', callId), uma.socket.next('summary', callId)]);
    expect(customer.socket.kinds(callId)).toEqual(['accept', 'summary']);
    expect(uma.socket.kinds(callId)).toEqual(['setup', 'start', 'stop', 'summary']);
    await world.offDuty();
    await proxy.stop();
  }, 120_000);

  it('killed (SIGKILL) mid-call: a hang-up sent meanwhile still reaches the other side, both get a summary', async () => {
    let proxy = await world.startProxyProcess();
    const vic = await world.operator('Vic Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await vic.socket.next('start', callId);
    await world.toLine(vic, customer, callId, 'accept', 'v=0 answer');
    await customer.socket.next('accept', callId);

    proxy.child.kill('SIGKILL');
    expect((await proxy.exited).signal).toBe('SIGKILL');
    await world.toLine(customer, customer, callId, 'stop');
    proxy = await world.startProxyProcess();

    await vic.socket.next('stop', callId, 20_000);
    const [toCustomer, toVic] = await Promise.all([
      customer.socket.next('summary', callId),
      vic.socket.next('summary', callId),
    ]);
    expect(toCustomer.data).toMatchObject({ end_reason: 'completed' });
    expect(toVic.data).toMatchObject({ end_reason: 'completed' });
    expect(await world.callLogEntry(customer, customer.cid, callId)).toMatchObject({ outcome: 'completed' });
    await world.offDuty();
    await proxy.stop();
  }, 120_000);
});
