// GET /metrics of a running voice proxy: a support call shows as a call in progress and as relayed signals.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, scrapeMetrics } from '@parley/testing';
import { SupportWorld } from './support/support-world.js';

const world = new SupportWorld('metrics');

beforeAll(async () => {
  await world.startMessaging();
  await world.startProxy();
});
afterEach(() => world.offDuty());
afterAll(async () => world.stop());

describe('GET /metrics', () => {
  it('counts the call in progress and the signals relayed to its legs, then lets the call go', async () => {
    const before = await scrapeMetrics(world.proxyUrl);
    const bob = await world.operator('Bob Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await bob.socket.next('start', callId);

    await eventually(async () => {
      const page = await scrapeMetrics(world.proxyUrl);
      expect(page.value('parley_call_active_calls')).toBe(1);
      for (const kind of ['setup', 'start'])
        expect(page.value('parley_voice_signals_relayed_total', { kind })).toBe(
          before.value('parley_voice_signals_relayed_total', { kind }) + 1,
        );
      // The bus queue the proxy works on is sampled at scrape time.
      expect(page.matching('parley_bus_queue_jobs', { queue: 'voice-proxy', state: 'waiting' })).toHaveLength(
        1,
      );
      expect(page.matching('parley_call_active_calls')[0]?.labels.service).toBe('voice-proxy');
      // Messaging relayed both starts: the customer's to the line, the proxy's to Bob.
      const relayedByMessaging = await scrapeMetrics(world.messagingUrl);
      expect(
        relayedByMessaging.value('parley_voice_signals_relayed_total', { kind: 'start' }),
      ).toBeGreaterThanOrEqual(2);
      return true;
    }, 'the ringing call in the metrics');

    await world.toLine(customer, customer, callId, 'stop');
    await eventually(
      async () => (await scrapeMetrics(world.proxyUrl)).value('parley_call_active_calls') === 0,
      'the ended call to leave the metrics',
    );
  });
});
