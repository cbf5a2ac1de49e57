// Two replicas of the proxy share one deployment (PostgreSQL, Redis, the bus): every signal is handled by
// one of them, every call rings one operator at a time, and no operator is rung for two calls.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, testDb } from '@parley/testing';
import { VoiceCallPage } from '@parley/protocol';
import { SupportWorld } from './support/support-world.js';

const world = new SupportWorld('replicas');

beforeAll(async () => {
  await world.startMessaging();
  await world.startProxy();
  await world.startProxy();
});
afterEach(() => world.offDuty());
afterAll(() => world.stop());

// Embedded PGlite is one process's database: replicas need a shared PostgreSQL.
describe.skipIf(testDb === 'pglite')('two replicas', () => {
  it('customers calling at once each get one operator of their own, rung once, and all calls connect', async () => {
    const operators = [
      await world.operator('Op One'),
      await world.operator('Op Two'),
      await world.operator('Op Three'),
    ];
    const customers = await Promise.all([world.customer(), world.customer(), world.customer()]);
    const callIds = await Promise.all(customers.map((c) => world.call(c)));

    // Each operator is rung for exactly one call, with one setup and one start.
    const rungFor = await Promise.all(
      operators.map((op) =>
        eventually(
          () => op.socket.signals.find((s) => s.kind === 'start' && callIds.includes(s.call_id))?.call_id,
          `a start for ${op.displayName}`,
        ),
      ),
    );
    expect(new Set(rungFor).size).toBe(3);
    for (const [i, op] of operators.entries()) {
      const customer = customers[callIds.indexOf(rungFor[i]!)]!;
      await world.toLine(op, customer, rungFor[i]!, 'accept', `v=0 answer of ${i}`);
    }
    for (const [i, customer] of customers.entries()) await customer.socket.next('accept', callIds[i]!);
    for (const [i, customer] of customers.entries())
      await world.toLine(customer, customer, callIds[i]!, 'stop');
    for (const [i, op] of operators.entries()) await op.socket.next('summary', rungFor[i]!);

    for (const [i, op] of operators.entries()) {
      expect(op.socket.kinds(rungFor[i]!)).toEqual(['setup', 'start', 'stop', 'summary']);
      const others = callIds.filter((id) => id !== rungFor[i]);
      for (const id of others) expect(op.socket.kinds(id)).toEqual([]);
    }
    for (const [i, customer] of customers.entries())
      expect(customer.socket.kinds(callIds[i]!)).toEqual(['accept', 'summary']);
    const admin = await world.adminToken();
    const page = VoiceCallPage.parse((await world.proxyApi('GET', '/v1/support/calls', admin)).body);
    for (const id of callIds)
      expect(page.calls.find((c) => c.callId === id)?.attempts.map((a) => a.outcome)).toEqual(['answered']);
  });
});
