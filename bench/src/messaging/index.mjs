import { cpus } from 'node:os';
import { eventually } from '@parley/testing';
import { printTable, progress } from '../lib/report.mjs';
import { withTimeout } from '../lib/time.mjs';
import { messagingApi } from './api.mjs';
import { measureDelivery } from './delivery.mjs';
import { measureRetransmit } from './retransmit.mjs';
import { measureSends } from './sends.mjs';
import { databaseUrl, startMessagingService } from './service.mjs';
import { fullSettings, quickSettings } from './settings.mjs';

/** Waits until the outbox relay has published everything, so one scenario's backlog does not tax the next. */
async function waitForQuietOutbox(api) {
  await eventually(
    async () => (await api.health()).body?.details?.pendingOutbox === 0,
    'outbox drain',
    30_000,
    {
      intervalMs: 200,
    },
  );
}

async function runScenarios(api, service, settings) {
  const sends = await measureSends(api, settings.sends);
  await waitForQuietOutbox(api);
  const delivery = await measureDelivery(api, settings.delivery);
  await waitForQuietOutbox(api);
  const retransmit = await measureRetransmit(api, service, { ...settings.retransmit, databaseUrl });
  return { sends, delivery, retransmit };
}

function print(results, quick) {
  const { sends: s, delivery: d, retransmit: r } = results;
  printTable(
    `Parley messaging benchmark${quick ? ' (--quick)' : ''}: ${cpus().length} CPUs, Node ${process.version}`,
    [
      [
        '1. Sends persisted',
        `${s.sendsPerSecond}/s`,
        `${s.persisted} x 201 in ${s.durationSeconds} s; ${s.senders} keep-alive senders, ${s.conversations} groups; ${s.failed} failed`,
      ],
      [
        '   HTTP latency p50 / p99',
        `${s.httpLatencyMs.p50} / ${s.httpLatencyMs.p99} ms`,
        `max ${s.httpLatencyMs.max} ms`,
      ],
      [
        `2. Send->delivered, ${d.devices} devices p50`,
        `${d.deliveryLatencyMs.p50} ms`,
        `${d.messages} messages at ${d.achievedRatePerSecond}/s (${d.users} users x ${d.devicesPerUser} devices)`,
      ],
      [
        '   p99 / max',
        `${d.deliveryLatencyMs.p99} / ${d.deliveryLatencyMs.max} ms`,
        `send HTTP p50 ${d.sendHttpLatencyMs.p50} ms, p99 ${d.sendHttpLatencyMs.p99} ms`,
      ],
      [
        '   deliveries received / expected',
        `${d.deliveriesReceived} / ${d.deliveriesExpected}`,
        `duplicates ${d.duplicates}, out of order ${d.outOfOrder}; bench event-loop delay p99 ${d.clientEventLoopDelayMs.p99} ms`,
      ],
      [
        `3. Retransmit ${r.eventsExpected} events`,
        `${r.seconds} s`,
        `${r.pages} pages of <= ${r.pageSize}, ${r.megabytes} MB`,
      ],
      ['   events/s', r.eventsPerSecond, `received ${r.eventsReceived}, in seq order: ${r.inOrder}`],
      [
        `3b. Same log streamed (events/stream)`,
        `${r.stream.seconds} s`,
        `${r.stream.eventsPerSecond} events/s, ${r.stream.megabytes} MB in one response`,
      ],
      [
        '   server memory before / peak',
        `${r.stream.serverBaselineMb} / ${r.stream.serverPeakMb} MB`,
        `received ${r.stream.eventsReceived}, in seq order: ${r.stream.inOrder}`,
      ],
    ],
  );
}

/** Every check a figure depends on; a failed one makes the run exit non-zero. */
function problems({ sends, delivery, retransmit }) {
  const out = [];
  if (sends.persisted === 0 || sends.failed > 0)
    out.push(`sends: ${sends.failed} failed ${JSON.stringify(sends.failures)}`);
  if (delivery.sendsAccepted !== delivery.messages)
    out.push(`delivery: only ${delivery.sendsAccepted}/${delivery.messages} sends accepted`);
  if (delivery.deliveriesReceived !== delivery.deliveriesExpected)
    out.push(`delivery: ${delivery.deliveriesReceived}/${delivery.deliveriesExpected} deliveries`);
  // Live frames are at-most-once and may overtake each other when the machine is saturated; clients order
  // them by seq (the SDK buffers and repairs), so reordering is reported as a figure, not a failure.
  if (delivery.duplicates > 0) out.push(`delivery: ${delivery.duplicates} duplicates`);
  if (!retransmit.complete)
    out.push(
      `retransmit: ${retransmit.eventsReceived}/${retransmit.eventsExpected} events, in order: ${retransmit.inOrder}`,
    );
  if (!retransmit.stream.complete)
    out.push(
      `retransmit stream: ${retransmit.stream.eventsReceived}/${retransmit.stream.eventsExpected} events, in order: ${retransmit.stream.inOrder}`,
    );
  if (!retransmit.schemaValid)
    out.push('retransmit: a page of seeded events does not match the protocol schema');
  return out;
}

/** `messaging [--quick]`: starts the service, runs the three scenarios in turn, prints, cleans up. */
export async function runMessagingBench({ quick }) {
  const settings = quick ? quickSettings : fullSettings;
  const service = await startMessagingService();
  const api = messagingApi(service.url, { maxSockets: 64 });
  // Ctrl-C still stops the child and drops the schema and keys; the load stops first so shutdown is quick.
  const onSigint = () => {
    api.close();
    void service.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  let results;
  let cleaned;
  try {
    const crashed = service.exited.then(({ code, signal }) =>
      Promise.reject(new Error(`messaging exited during the run (${code ?? signal})`)),
    );
    results = await withTimeout(
      Promise.race([runScenarios(api, service, settings), crashed]),
      settings.budgetMs,
      'messaging benchmark',
    );
  } finally {
    api.close();
    cleaned = await service.stop();
    process.off('SIGINT', onSigint);
  }
  print(results, quick);
  const failed = problems(results);
  if (!cleaned) failed.push('clean-up: schema or Redis keys may be left behind (see above)');
  for (const p of failed) progress(`CHECK FAILED ${p}`);
  console.log(
    JSON.stringify({
      scenario: 'messaging',
      quick,
      cpus: cpus().length,
      node: process.version,
      ok: failed.length === 0,
      ...results,
    }),
  );
  return failed.length === 0 ? 0 : 1;
}
