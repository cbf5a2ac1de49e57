import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { printTable, progress } from '../lib/report.mjs';
import { withTimeout } from '../lib/time.mjs';
import { measurePreSendLatency } from './pre-send.mjs';

const settings = {
  full: { preSend: { senders: 4, rounds: 3, roundMs: 5000, warmupMs: 500 }, budgetMs: 300_000 },
  quick: { preSend: { senders: 2, rounds: 1, roundMs: 1500, warmupMs: 300 }, budgetMs: 120_000 },
};

/** The outgoing-webhook figure lives in deliveries.mjs; the table says so when that part is not there. */
async function loadMeasureDeliveries() {
  if (!existsSync(new URL('./deliveries.mjs', import.meta.url))) return undefined;
  const mod = await import('./deliveries.mjs');
  return typeof mod.measureDeliveries === 'function' ? mod.measureDeliveries : undefined;
}

/**
 * `hooks [--quick]`: what a synchronous pre-send hook adds to a send (p50/p99, with against without, rounds
 * interleaved), and outgoing webhook deliveries/s when bench/src/hooks/deliveries.mjs provides them.
 */
export async function runHooksBench({ quick }) {
  const s = quick ? settings.quick : settings.full;
  const preSend = await withTimeout(measurePreSendLatency(s.preSend), s.budgetMs, 'pre-send hook benchmark');
  const rows = [
    [
      '1. HTTP send p50 / p99 with a pre-send hook',
      `${preSend.withHook.p50} / ${preSend.withHook.p99} ms`,
      `${preSend.withHook.count} sends, ${preSend.withHook.failures} failed; ${preSend.hookCalls} hook calls`,
    ],
    [
      '   HTTP send p50 / p99 without a hook',
      `${preSend.withoutHook.p50} / ${preSend.withoutHook.p99} ms`,
      `${preSend.withoutHook.count} sends, ${preSend.withoutHook.failures} failed`,
    ],
    [
      '   added by the hook p50 / p99',
      `${preSend.addedMs.p50} / ${preSend.addedMs.p99} ms`,
      `${preSend.senders} closed-loop senders, ${preSend.rounds} interleaved rounds of ${preSend.roundMs} ms per mode`,
    ],
  ];
  const measureDeliveries = await loadMeasureDeliveries();
  let deliveries;
  if (measureDeliveries) {
    deliveries = await withTimeout(measureDeliveries({ quick }), s.budgetMs, 'webhook delivery benchmark');
    rows.push([
      '2. Outgoing webhook deliveries/s',
      deliveries.deliveriesPerSecond,
      `${deliveries.delivered ?? '?'} delivered, ${deliveries.lost ?? '?'} lost`,
    ]);
  } else {
    progress('bench/src/hooks/deliveries.mjs is not there: only the pre-send figures are measured');
    rows.push([
      '2. Outgoing webhook deliveries/s',
      'not measured',
      'bench/src/hooks/deliveries.mjs is not there yet',
    ]);
  }
  printTable(
    `Parley hooks benchmark${quick ? ' (--quick)' : ''}: ${cpus().length} CPUs, Node ${process.version}`,
    rows,
  );
  console.log(JSON.stringify({ preSend, deliveries }));
  const lost = deliveries?.lost ?? 0;
  return preSend.withHook.failures + preSend.withoutHook.failures + lost === 0 ? 0 : 1;
}
