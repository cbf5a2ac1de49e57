import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { eventually } from '@parley/testing';
import { printTable, progress } from '../lib/report.mjs';
import { withTimeout } from '../lib/time.mjs';
import { messagingApi } from './api.mjs';
import {
  connectGroupDevices,
  disconnectGroupDevices,
  measureGroupDelivery,
  prepareDeliveryGroup,
} from './delivery.mjs';
import { startDeviceWorkers } from './device-workers.mjs';
import { measureDirectLoad, prepareDirectLoad } from './direct-load.mjs';
import { measureRetransmit, prepareRetransmit } from './retransmit.mjs';
import { measureSends, prepareSends } from './sends.mjs';
import { databaseUrl, startMessagingService } from './service.mjs';
import { fullSettings, quickSettings } from './settings.mjs';

/** Descriptors a process needs besides its sockets: PostgreSQL, Redis, stdio, the IPC channel, libuv. */
const SPARE_DESCRIPTORS = 200;

/** The soft limit on open files of this process (inherited by every child it starts), from /proc. */
function openFilesLimit() {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return match?.[1] === 'unlimited' ? Infinity : Number(match?.[1]);
  } catch {
    return undefined;
  }
}

/** Waits until the outbox relay has published everything, so one figure's backlog does not tax the next. */
async function waitForQuietOutbox(api) {
  await eventually(
    async () => (await api.health()).body?.details?.pendingOutbox === 0,
    'outbox drain',
    60_000,
    {
      intervalMs: 200,
    },
  );
}

/** Whether a figure's key is selected by `--only` (a key or any of its dotted prefixes); all without it. */
function selects(only, key) {
  return !only || only.some((wanted) => key === wanted || key.startsWith(`${wanted}.`));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

/**
 * The figures of one run. Each has a `measure(phase)` run once per round and a `main` number; with
 * several rounds the round whose main number is the median is reported whole (so its p50, p99 and counts
 * belong together), with the range of the main number over the rounds. Only the figures whose setup was
 * prepared (the ones `--only` selects) are listed.
 */
function figureList({ services, workers, prepared, settings }) {
  const figures = [];
  const { sends, delivery, directLoad, retransmit } = prepared;
  for (const shape of settings.sends.shapes) {
    for (const db of ['postgres', 'pglite']) {
      if (!sends[db]?.[shape.key]) continue;
      figures.push({
        key: `sends.${db}.${shape.key}`,
        api: services[db].api,
        main: (r) => r.sendsPerSecond,
        // Higher is better; the median is the same either way.
        measure: () => measureSends(services[db].api, sends[db][shape.key], settings.sends),
      });
    }
  }
  for (const group of delivery) {
    const context = {
      api: services.postgres.api,
      service: services.postgres.service,
      workers,
      prepared: group,
    };
    figures.push({
      key: `delivery.${group.devices}`,
      api: services.postgres.api,
      main: (r) => r.deliveryLatencyMs.p99,
      // Connecting 10,000 devices takes minutes (each member's first device announces it online to every
      // other member), so a size's devices connect once and its rounds run back to back.
      block: {
        open: () => connectGroupDevices(context),
        close: (connected) => disconnectGroupDevices({ ...context, connected }),
      },
      measure: (phase, connected) =>
        measureGroupDelivery({
          ...context,
          connected,
          size: settings.delivery.sizes.find((s) => s.devices === group.devices),
          settleMs: settings.delivery.settleMs,
          phase,
        }),
    });
  }
  if (directLoad)
    figures.push({
      key: 'directLoad',
      api: services.postgres.api,
      main: (r) => r.deliveryLatencyMs.p99,
      measure: (phase) =>
        measureDirectLoad({
          api: services.postgres.api,
          service: services.postgres.service,
          workers,
          prepared: directLoad,
          settings: settings.directLoad,
          phase,
        }),
    });
  if (retransmit)
    figures.push({
      key: 'retransmit',
      api: services.postgres.api,
      main: (r) => r.eventsPerSecond,
      measure: () => measureRetransmit(services.postgres.api, services.postgres.service, retransmit),
    });
  return figures;
}

/** Users, conversations and seeded events of the selected figures only (seeding a million takes a while). */
async function prepareAll({ services, settings, only }) {
  const sends = {};
  // The two services' users and conversations are created side by side.
  await Promise.all(
    Object.keys(services).map(async (db) => {
      sends[db] = {};
      for (const shape of settings.sends.shapes) {
        if (!selects(only, `sends.${db}.${shape.key}`)) continue;
        progress(`setup: sends (${shape.label}) on ${db}`);
        sends[db][shape.key] = await prepareSends(services[db].api, shape);
      }
    }),
  );
  const api = services.postgres.api;
  const delivery = [];
  for (const size of settings.delivery.sizes) {
    if (!selects(only, `delivery.${size.devices}`)) continue;
    progress(`setup: a group with ${size.devices} devices`);
    delivery.push(
      await prepareDeliveryGroup(api, {
        devices: size.devices,
        devicesPerUser: settings.delivery.devicesPerUser,
      }),
    );
  }
  let directLoad;
  if (selects(only, 'directLoad')) {
    progress(`setup: ${settings.directLoad.conversations} direct conversations`);
    directLoad = await prepareDirectLoad(api, settings.directLoad);
  }
  let retransmit;
  if (selects(only, 'retransmit')) {
    progress(`setup: seeding ${settings.retransmit.seedCount} events`);
    retransmit = await prepareRetransmit(api, services.postgres.service, {
      ...settings.retransmit,
      databaseUrl,
    });
  }
  return { sends, delivery, directLoad, retransmit };
}

async function runRounds(figures, repeat) {
  const rounds = Object.fromEntries(figures.map((f) => [f.key, []]));
  let phase = 0;
  const measure = async (figure, r, context) => {
    await waitForQuietOutbox(figure.api);
    const result = await figure.measure(++phase, context);
    progress(`round ${r + 1}/${repeat}: ${figure.key} ${figure.main(result)}`);
    rounds[figure.key].push(result);
  };
  const interleaved = figures.filter((f) => !f.block);
  for (let r = 0; r < repeat; r++) {
    // Each round the two databases of a sends shape swap places, so neither always goes first.
    for (const figure of r % 2 === 0 ? interleaved : swapPairs(interleaved)) await measure(figure, r);
  }
  for (const figure of figures.filter((f) => f.block)) {
    const context = await figure.block.open();
    try {
      for (let r = 0; r < repeat; r++) await measure(figure, r, context);
    } finally {
      await figure.block.close(context);
    }
  }
  const results = {};
  // Every round's result is checked; the median round is what is printed.
  Object.defineProperty(results, 'everyRound', { value: rounds, enumerable: false });
  for (const figure of figures) {
    const list = rounds[figure.key];
    const mains = list.map(figure.main);
    const mid = median(mains);
    results[figure.key] = {
      ...list[mains.indexOf(mid)],
      rounds: list.length,
      range: [Math.min(...mains), Math.max(...mains)],
    };
  }
  return results;
}

/** The sends figures come in (postgres, pglite) pairs; swapping each pair alternates which runs first. */
function swapPairs(figures) {
  const out = [...figures];
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i].key.startsWith('sends.postgres.') && out[i + 1].key.startsWith('sends.pglite.')) {
      [out[i], out[i + 1]] = [out[i + 1], out[i]];
      i++;
    }
  }
  return out;
}

const fmt = (n) => (n === null || n === undefined ? '-' : Number(n).toLocaleString('en-US'));
const range = (r, unit = '') =>
  r.rounds > 1 ? `; ${r.rounds} rounds ${fmt(r.range[0])}–${fmt(r.range[1])}${unit}` : '';
const verdict = (ok) => (ok ? 'met' : 'NOT met');

/** The table of a run, from its results (the `results` of the JSON line re-print the same way). */
export function printMessagingTable(results, { quick, repeat, settings, skippedSizes, limit }) {
  const rows = [];
  const targets = settings.sends.targets;
  let n = 1;
  for (const shape of settings.sends.shapes) {
    for (const [db, name] of [
      ['postgres', 'PostgreSQL'],
      ['pglite', 'PGlite'],
    ]) {
      const s = results[`sends.${db}.${shape.key}`];
      if (!s) continue;
      rows.push([
        db === 'postgres' ? `${n}. Sends/s persisted, ${shape.label}, ${name}` : `   ${name}`,
        `${fmt(s.sendsPerSecond)}/s`,
        `target >= ${fmt(targets[db])}/s ${verdict(s.sendsPerSecond >= targets[db])}; ${s.senders} senders; HTTP p50 ${s.httpLatencyMs.p50} / p99 ${s.httpLatencyMs.p99} ms; ${s.failed} failed${range(s, '/s')}`,
      ]);
    }
    n++;
  }
  const p99Target = settings.deliveryP99TargetMs;
  const memoryRows = [];
  settings.delivery.sizes.forEach((size, i) => {
    const label = `4${'abcd'[i] ?? i}. Send->delivered, ${fmt(size.devices)} devices`;
    const d = results[`delivery.${size.devices}`];
    if (!d) return;
    if (size.standsInFor)
      rows.push([`    (instead of ${fmt(size.standsInFor)})`, 'largest that fits', `ulimit -n ${limit}`]);
    rows.push([
      `${label} p50 / p99 / max`,
      `${d.deliveryLatencyMs.p50} / ${d.deliveryLatencyMs.p99} / ${d.deliveryLatencyMs.max} ms`,
      `target p99 < ${p99Target} ms ${verdict(d.deliveryLatencyMs.p99 < p99Target)}; one group of ${fmt(d.users)} users x ${d.devicesPerUser} devices; ${d.messages} messages at ${d.targetRatePerSecond}/s${range(d, ' ms p99')}`,
    ]);
    rows.push([
      '    deliveries received / expected',
      `${fmt(d.deliveriesReceived)} / ${fmt(d.deliveriesExpected)}`,
      `sends answered ${d.answeredPerSecond}/s, HTTP p99 ${d.sendHttpLatencyMs.p99} ms; duplicates ${d.duplicates}, out of order ${d.outOfOrder}; bench event-loop p99 ${d.benchEventLoopDelayMs.p99} ms`,
    ]);
    // Below 1,000 sockets the difference is within the allocator's noise (it stays in the JSON line).
    if (d.devices >= 1000)
      memoryRows.push([
        `5. Server memory per socket, ${fmt(d.devices)} devices`,
        `${fmt(d.memory.rssKbPerSocket)} KB RSS`,
        `V8 heap ${fmt(d.memory.heapKbPerSocket)} KB; RSS ${d.memory.rssBeforeMb} -> ${d.memory.rssAfterMb} MB, heap ${d.memory.heapBeforeMb} -> ${d.memory.heapAfterMb} MB; connected in ${d.connectSeconds} s`,
      ]);
  });
  for (const skipped of skippedSizes)
    rows.push([`4. Send->delivered, ${fmt(skipped.devices)} devices`, 'skipped', skipped.reason]);
  rows.push(...memoryRows);
  const l = results.directLoad;
  if (l) rows.push(...directLoadRows(l, settings));
  const r = results.retransmit;
  if (r) rows.push(...retransmitRows(r));
  printTable(
    `Parley messaging benchmark${quick ? ' (--quick)' : ''}: ${cpus().length} CPUs, Node ${process.version}, ulimit -n ${limit}, ${repeat === 1 ? 'one round' : `median of ${repeat} rounds`}`,
    rows,
  );
}

function directLoadRows(l, settings) {
  const p99Target = settings.deliveryP99TargetMs;
  const rows = [];
  rows.push([
    `6. Delivery at ${fmt(settings.directLoad.ratePerSecond)} msg/s, ${fmt(l.conversations)} direct conversations p50 / p99 / max`,
    `${l.deliveryLatencyMs.p50} / ${l.deliveryLatencyMs.p99} / ${l.deliveryLatencyMs.max} ms`,
    `target p99 < ${p99Target} ms ${verdict(l.deliveryLatencyMs.p99 < p99Target)}; ${fmt(l.devices)} devices (2 users x ${settings.directLoad.devicesPerUser}); ${fmt(l.messages)} messages${range(l, ' ms p99')}`,
  ]);
  rows.push([
    '   deliveries received / expected',
    `${fmt(l.deliveriesReceived)} / ${fmt(l.deliveriesExpected)}`,
    `sends answered ${l.answeredPerSecond}/s, HTTP p50 ${l.sendHttpLatencyMs.p50} / p99 ${l.sendHttpLatencyMs.p99} ms; duplicates ${l.duplicates}, out of order ${l.outOfOrder}; bench event-loop p99 ${l.benchEventLoopDelayMs.p99} ms`,
  ]);
  rows.push([
    '   server memory per socket',
    `${fmt(l.memory.rssKbPerSocket)} KB RSS`,
    `V8 heap ${fmt(l.memory.heapKbPerSocket)} KB`,
  ]);
  return rows;
}

function retransmitRows(r) {
  const rows = [];
  rows.push([
    `7. Retransmit ${fmt(r.eventsExpected)} events, paged`,
    `${r.seconds} s`,
    `${fmt(r.eventsPerSecond)} events/s; ${fmt(r.pages)} pages of <= ${r.pageSize}, ${r.megabytes} MB; received ${fmt(r.eventsReceived)}, in seq order: ${r.inOrder}${range(r, ' events/s')}`,
  ]);
  rows.push([
    '   same log streamed (events/stream)',
    `${r.stream.seconds} s`,
    `${fmt(r.stream.eventsPerSecond)} events/s, ${r.stream.megabytes} MB in one response; server memory ${r.stream.serverBaselineMb} -> peak ${r.stream.serverPeakMb} MB; in seq order: ${r.stream.inOrder}`,
  ]);
  return rows;
}

/** Every check a figure depends on; a failed one makes the run exit non-zero. */
function problems(results) {
  const out = [];
  const every = Object.entries(results.everyRound).flatMap(([key, list]) =>
    list.map((r, i) => [list.length > 1 ? `${key} (round ${i + 1})` : key, r]),
  );
  for (const [key, r] of every) {
    if (key.startsWith('sends.') && (r.persisted === 0 || r.failed > 0))
      out.push(`${key}: ${r.failed} failed ${JSON.stringify(r.failures)}`);
    if (key.startsWith('delivery.') || key === 'directLoad') {
      if (r.accepted !== r.messages)
        out.push(`${key}: only ${r.accepted}/${r.messages} sends accepted ${JSON.stringify(r.failures)}`);
      if (r.deliveriesReceived !== r.deliveriesExpected)
        out.push(`${key}: ${r.deliveriesReceived}/${r.deliveriesExpected} deliveries`);
      // Live frames are at-most-once and may overtake each other when the machine is saturated; clients
      // order them by seq (the SDK buffers and repairs), so reordering is a figure, not a failure.
      if (r.duplicates > 0) out.push(`${key}: ${r.duplicates} duplicates`);
    }
  }
  for (const [key, r] of every.filter(([key]) => key.startsWith('retransmit'))) {
    if (!r.complete)
      out.push(`${key}: ${r.eventsReceived}/${r.eventsExpected} events, in order: ${r.inOrder}`);
    if (!r.stream.complete)
      out.push(
        `${key} stream: ${r.stream.eventsReceived}/${r.stream.eventsExpected} events, in order: ${r.stream.inOrder}`,
      );
    if (!r.schemaValid) out.push(`${key}: a page of seeded events does not match the protocol schema`);
  }
  return out;
}

/**
 * The service holds every device socket of a size (each worker only its share), so a size needs about
 * devices + SPARE_DESCRIPTORS open files in the service. A size above the limit is skipped, and the largest
 * whole thousand that fits is measured instead (if larger than the sizes that fit), so the table shows the
 * largest group this machine can hold.
 */
export function fitToOpenFiles(settings, limit) {
  const skippedSizes = [];
  if (limit === undefined || limit === Infinity) return { settings, skippedSizes };
  const fits = settings.delivery.sizes.filter((size) => size.devices + SPARE_DESCRIPTORS <= limit);
  const sizes = [...fits];
  for (const size of settings.delivery.sizes.filter((s) => !fits.includes(s))) {
    const reason = `needs about ${size.devices + SPARE_DESCRIPTORS} open files in the service, ulimit -n is ${limit}`;
    skippedSizes.push({ devices: size.devices, reason });
    progress(`SKIPPING ${size.devices} devices: ${reason}`);
  }
  const largest = Math.floor((limit - SPARE_DESCRIPTORS) / 1000) * 1000;
  const biggestFit = Math.max(0, ...fits.map((s) => s.devices));
  if (skippedSizes.length > 0 && largest > biggestFit) {
    const template = settings.delivery.sizes.find((s) => s.devices === skippedSizes[0].devices);
    // The same offered deliveries per second as the size it stands in for.
    const ratePerSecond = Math.max(1, Math.round((template.ratePerSecond * template.devices) / largest));
    sizes.push({
      devices: largest,
      ratePerSecond,
      messages: template.messages,
      standsInFor: template.devices,
    });
    progress(`measuring ${largest} devices instead, the largest whole thousand within ulimit -n ${limit}`);
  }
  return { settings: { ...settings, delivery: { ...settings.delivery, sizes } }, skippedSizes };
}

/**
 * `messaging [--quick] [--repeat N]`: starts the service on PostgreSQL and on PGlite and the device
 * workers, prepares every figure's users and conversations, runs the figures N times interleaved, prints
 * the median round of each, cleans up.
 */
export async function runMessagingBench({ quick, repeat = 1, only }) {
  const limit = openFilesLimit();
  const { settings, skippedSizes } = fitToOpenFiles(quick ? quickSettings : fullSettings, limit);

  const stops = [];
  let stopping;
  // One clean-up however many ask for it (Ctrl-C and the run's own finally), last started first.
  const stopAll = () =>
    (stopping ??= (async () => {
      let clean = true;
      for (const stop of [...stops].reverse()) clean = (await stop().catch(() => false)) !== false && clean;
      return clean;
    })());
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  // The devices of a run stay connected for minutes, and a --repeat run takes a while.
  const env = { ACCESS_TOKEN_TTL_SECONDS: '86400' };
  let results;
  let cleaned;
  try {
    const budgetMs = settings.setupBudgetMs + settings.roundBudgetMs * repeat;
    results = await withTimeout(
      (async () => {
        // Both services start at once (PGlite creates its database meanwhile); each is stopped at the end
        // even if the other failed to start.
        const services = {};
        const started = await Promise.allSettled(
          [
            ['postgres', 'messaging'],
            ['pglite', 'messaging-pglite'],
          ]
            // PostgreSQL's service holds every figure but the PGlite sends.
            .filter(
              ([db]) =>
                db === 'postgres' ||
                settings.sends.shapes.some((shape) => selects(only, `sends.pglite.${shape.key}`)),
            )
            .map(async ([db, name]) => {
              const service = await startMessagingService(env, { database: db, name });
              stops.push(service.stop);
              const api = messagingApi(service.url, { maxSockets: 128, idleTimeoutMs: 3000 });
              stops.push(async () => api.close());
              services[db] = { service, api };
            }),
        );
        const failedStart = started.find((r) => r.status === 'rejected');
        if (failedStart) throw failedStart.reason;
        const workers = await startDeviceWorkers(settings.loadWorkers);
        stops.push(async () => (await workers.stop(), true));
        const crashed = Promise.race(
          Object.values(services).map(({ service }) =>
            service.exited.then(({ code, signal }) =>
              Promise.reject(new Error(`a messaging service exited during the run (${code ?? signal})`)),
            ),
          ),
        );
        const run = async () => {
          const prepared = await prepareAll({ services, settings, only });
          return runRounds(figureList({ services, workers, prepared, settings }), repeat);
        };
        return Promise.race([run(), crashed]);
      })(),
      budgetMs,
      'messaging benchmark',
    );
  } catch (err) {
    // After Ctrl-C the run fails because its services went away; the clean-up exits once it is done.
    if (interrupted) await new Promise(() => undefined);
    throw err;
  } finally {
    cleaned = await stopAll();
    process.off('SIGINT', onSigint);
  }
  printMessagingTable(results, { quick, repeat, settings, skippedSizes, limit });
  const failed = problems(results);
  if (!cleaned)
    failed.push('clean-up: schema, PGlite directory or Redis keys may be left behind (see above)');
  for (const p of failed) progress(`CHECK FAILED ${p}`);
  console.log(
    JSON.stringify({
      scenario: 'messaging',
      quick,
      repeat,
      cpus: cpus().length,
      node: process.version,
      openFilesLimit: limit,
      skippedSizes,
      ok: failed.length === 0,
      results,
    }),
  );
  return failed.length === 0 ? 0 : 1;
}
