import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { watchCpu } from '../lib/cpu.mjs';
import { watchEventLoop } from '../lib/event-loop.mjs';
import { residentMegabytes } from '../lib/process-memory.mjs';
import { printTable, progress } from '../lib/report.mjs';
import { round } from '../lib/stats.mjs';
import { sleep, withTimeout } from '../lib/time.mjs';
import { startLoadWorkers, shares } from './load-workers.mjs';
import { epochMs } from './probe.mjs';
import { settingsFor } from './settings.mjs';
import { startParley, startSocketIoPeer, startWsCeiling } from './variants.mjs';

const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));
/** Descriptors a process needs besides its sockets: Redis, PostgreSQL, stdio, the IPC channel, libuv. */
const SPARE_DESCRIPTORS = 200;
/** The longest a turn waits for its backlog to drain before the next turn starts. */
const MAX_DRAIN_MS = 120_000;

/** The soft limit on open files of this process (inherited by every child it starts), from /proc. */
function openFilesLimit() {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return match?.[1] === 'unlimited' ? Infinity : Number(match?.[1]);
  } catch {
    return undefined;
  }
}

/**
 * Whether a size fits the open-files limit: a server holds all its sockets, and each load worker holds its
 * share of all three variants' sockets (they stay connected together so the variants can alternate).
 */
function descriptorsNeeded(sockets, workers) {
  const server = sockets + SPARE_DESCRIPTORS;
  const worker = 3 * Math.max(...shares(sockets, workers)) + SPARE_DESCRIPTORS;
  return Math.max(server, worker);
}

const median = (values) => {
  const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * One measurement: `rate` messages/s sent open-loop (each on schedule, whether or not the one before was
 * answered) for warm-up + duration. Deliveries received in the window are the throughput; latency counts
 * the probes sent in the window. Waits until every delivery arrived (or none came for settleMs) so no backlog
 * runs into the next phase.
 */
async function runPhase(variant, workers, { phase, sockets, rate, settings }) {
  const messages = Math.round((rate * (settings.warmupMs + settings.durationMs)) / 1000);
  const t0 = epochMs() + 100;
  const windowStart = t0 + settings.warmupMs;
  const windowEnd = windowStart + settings.durationMs;
  await workers.startPhase(phase, variant.name, windowStart, windowEnd);

  const sends = [];
  const stopLoop = watchEventLoop();
  const serverCpu = watchCpu(variant.pid);
  const workerCpu = workers.pids.map((pid) => watchCpu(pid));
  for (let i = 0; i < messages; i++) {
    const wait = t0 + (i * 1000) / rate - epochMs();
    if (wait > 1) await sleep(wait);
    sends.push(variant.send(phase, i));
  }
  const statuses = await Promise.all(sends);
  const sendSeconds = (epochMs() - t0) / 1000;
  const cpu = serverCpu();
  const workersCpuPercent = workerCpu.reduce((sum, stop) => sum + (stop().serverCpuPercent ?? 0), 0);
  const benchEventLoopDelayMs = stopLoop();

  // A failed send was never committed, so only accepted ones are owed to every socket.
  const failedSends = statuses.filter((s) => s !== 201);
  const expected = (messages - failedSends.length) * sockets;
  // A backlog still draining is not a loss: wait while deliveries keep arriving, and stop once none has
  // arrived for settleMs (or after the longest wait).
  const waitUntil = epochMs() + MAX_DRAIN_MS;
  let received = await workers.totalReceived(phase);
  let lastProgress = epochMs();
  while (received < expected && epochMs() < waitUntil && epochMs() - lastProgress < settings.settleMs) {
    await sleep(250);
    const now = await workers.totalReceived(phase);
    if (now > received) lastProgress = epochMs();
    received = now;
  }
  const report = await workers.report(phase);
  return {
    messages,
    /** Sends answered per second, from the first send to the last answer (below the rate: sends queued). */
    sendsAnsweredPerSecond: round(messages / sendSeconds, 1),
    sendsFailed: failedSends.length,
    sendFailures: [...new Set(failedSends)].slice(0, 5),
    deliveriesPerSecond: Math.round(report.inWindow / (settings.durationMs / 1000)),
    deliveriesExpected: expected,
    deliveriesReceived: report.total,
    lost: Math.max(0, expected - report.total),
    extra: Math.max(0, report.total - expected),
    latencyMs: report.latencyMs,
    serverCpuPercent: cpu.serverCpuPercent,
    workersCpuPercent: round(workersCpuPercent, 0),
    benchCpuPercent: cpu.benchCpuPercent,
    benchEventLoopDelayMs,
  };
}

/** Connects one size's sockets for every variant, runs the rounds interleaved, disconnects. */
async function runSize(variants, workers, sockets, settings, nextPhase) {
  const rate = settings.offeredDeliveriesPerSecond / sockets;
  const perVariant = {};
  for (const variant of variants) {
    const { target, detail } = await variant.prepare(sockets);
    const rssBefore = residentMegabytes(variant.pid);
    const connect = await workers.connect(variant.name, sockets, target);
    if (connect.failed > 0)
      throw new Error(
        `${variant.label}: ${connect.failed}/${sockets} sockets failed to connect: ${connect.firstError}`,
      );
    // Let buffers from the connection storm be released before reading the resident size.
    await sleep(2000);
    const rssAfter = residentMegabytes(variant.pid);
    const kbPerSocket =
      rssBefore === null || rssAfter === null ? null : round(((rssAfter - rssBefore) * 1024) / sockets, 1);
    progress(
      `${sockets} sockets: ${variant.label} connected in ${round(connect.seconds, 1)} s, server RSS ${round(rssBefore, 0)} -> ${round(rssAfter, 0)} MB (${kbPerSocket} KB/socket)`,
    );
    perVariant[variant.name] = {
      ...detail,
      connectSeconds: round(connect.seconds, 1),
      serverRssBeforeMb: round(rssBefore, 1),
      serverRssAfterMb: round(rssAfter, 1),
      serverKbPerSocket: kbPerSocket,
      rounds: [],
    };
  }

  for (let r = 0; r < settings.rounds; r++) {
    // Each round starts with another variant, so none always runs first (or right after the same one).
    const order = variants.map((_, i) => variants[(i + r) % variants.length]);
    for (const variant of order) {
      const phase = nextPhase();
      const result = await runPhase(variant, workers, { phase, sockets, rate, settings });
      progress(
        `${sockets} sockets, round ${r + 1}: ${variant.label} ${result.deliveriesPerSecond} deliveries/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, server CPU ${result.serverCpuPercent} %, workers ${result.workersCpuPercent} %, lost ${result.lost}`,
      );
      perVariant[variant.name].rounds.push(result);
    }
  }
  for (const variant of variants) await workers.close(variant.name);
  // Let the servers finish their disconnect work (Parley's presence updates) before anything else runs.
  await sleep(2000);

  for (const v of Object.values(perVariant)) {
    const rounds = v.rounds;
    v.median = {
      deliveriesPerSecond: median(rounds.map((x) => x.deliveriesPerSecond)),
      latencyP50Ms: median(rounds.map((x) => x.latencyMs.p50)),
      latencyP99Ms: median(rounds.map((x) => x.latencyMs.p99)),
      serverCpuPercent: median(rounds.map((x) => x.serverCpuPercent)),
      workersCpuPercent: median(rounds.map((x) => x.workersCpuPercent)),
      sendsAnsweredPerSecond: median(rounds.map((x) => x.sendsAnsweredPerSecond)),
    };
    v.deliveriesPerSecondRange = [
      Math.min(...rounds.map((x) => x.deliveriesPerSecond)),
      Math.max(...rounds.map((x) => x.deliveriesPerSecond)),
    ];
  }
  const ceiling = perVariant.ws?.median.deliveriesPerSecond;
  const parley = perVariant.parley?.median.deliveriesPerSecond;
  return {
    sockets,
    messagesPerSecond: round(rate, 2),
    offeredDeliveriesPerSecond: settings.offeredDeliveriesPerSecond,
    parleyToCeiling: ceiling ? round(parley / ceiling, 2) : null,
    variants: perVariant,
  };
}

async function runAll(settings, onStop) {
  const limit = openFilesLimit();
  const sizes = [];
  const skipped = [];
  for (const sockets of settings.sizes) {
    const needed = descriptorsNeeded(sockets, settings.loadWorkers);
    if (limit !== undefined && needed > limit) {
      skipped.push({
        sockets,
        reason: `needs about ${needed} open files per process, ulimit -n is ${limit}`,
      });
      progress(
        `SKIPPING ${sockets} sockets: needs about ${needed} open files per process, ulimit -n is ${limit}`,
      );
    } else sizes.push(sockets);
  }

  const workers = await startLoadWorkers(settings.loadWorkers);
  onStop(async () => (await workers.stop(), true));
  progress(
    `${settings.loadWorkers} load workers (pids ${workers.pids.join(', ')}), clock offsets ${workers.clockOffsetsMs.map((o) => round(o, 3)).join(', ')} ms`,
  );
  const variants = [
    await startParley(onStop, settings),
    await startWsCeiling(onStop),
    await startSocketIoPeer(onStop),
  ];
  // A server that dies mid-run ends the run at once rather than showing up as zero deliveries.
  const crashed = Promise.race(
    variants.map((v) =>
      v.exited.then(({ code, signal }) =>
        Promise.reject(new Error(`the ${v.label} server exited during the run (${signal ?? code})`)),
      ),
    ),
  );
  let phase = 0;
  const results = [];
  let error;
  try {
    const measure = async () => {
      for (const sockets of sizes)
        results.push(await runSize(variants, workers, sockets, settings, () => ++phase));
    };
    await Promise.race([measure(), crashed]);
  } catch (err) {
    // The sizes measured so far are still printed; the failure is reported with them.
    if (results.length === 0) throw err;
    error = err.message;
    progress(`FAILED after ${results.length} size(s): ${err.stack ?? err}`);
  } finally {
    for (const v of variants) await v.close();
  }
  return { openFilesLimit: limit === Infinity ? 'unlimited' : limit, skipped, error, sizes: results };
}

function print(results, settings, quick) {
  const rows = [];
  for (const size of results.sizes) {
    rows.push([
      `${size.sockets} sockets, ${size.messagesPerSecond} msg/s`,
      'deliveries/s',
      `rounds (min-max) | p50 / p99 send->delivered | sends answered/s | server KB/socket | CPU % server / load workers`,
    ]);
    for (const [name, v] of Object.entries(size.variants)) {
      const label = { parley: 'Parley', ws: 'ws (ceiling)', socketio: 'Socket.IO + Redis adapter' }[name];
      const m = v.median;
      rows.push([
        `  ${label}`,
        m.deliveriesPerSecond,
        `${v.deliveriesPerSecondRange.join('-')} | ${m.latencyP50Ms} / ${m.latencyP99Ms} ms | ${m.sendsAnsweredPerSecond} | ${v.serverKbPerSocket} | ${m.serverCpuPercent} / ${m.workersCpuPercent}`,
      ]);
    }
    rows.push(['  Parley / ws', size.parleyToCeiling, '']);
  }
  for (const s of results.skipped) rows.push([`${s.sockets} sockets`, 'skipped', s.reason]);
  if (results.error) rows.push(['run ended early', '-', results.error]);
  printTable(
    `Parley fan-out benchmark${quick ? ' (--quick)' : ''}: ${cpus().length} CPUs, Node ${process.version}, ` +
      `${settings.offeredDeliveriesPerSecond} deliveries/s offered, median of ${settings.rounds} rounds, ` +
      `ulimit -n ${results.openFilesLimit}` +
      (settings.parleySends === 'delivery'
        ? ', Parley: delivery side only (frames published as after a commit)'
        : ''),
    rows,
  );
}

function problems(results) {
  const out = [];
  for (const size of results.sizes)
    for (const [name, v] of Object.entries(size.variants))
      v.rounds.forEach((r, i) => {
        const where = `${size.sockets} sockets, ${name}, round ${i + 1}`;
        if (r.sendsFailed > 0)
          out.push(`${where}: ${r.sendsFailed} sends failed ${JSON.stringify(r.sendFailures)}`);
        if (r.lost > 0) out.push(`${where}: ${r.lost}/${r.deliveriesExpected} deliveries missing`);
        if (r.extra > 0) out.push(`${where}: ${r.extra} deliveries more than sent`);
      });
  if (results.error) out.push(`run ended early: ${results.error}`);
  if (results.sizes.length === 0) out.push('no size fits the open-files limit');
  return out;
}

/** `fanout [--quick]`: Parley's live fan-out against a bare ws server and Socket.IO, same sockets and load. */
export async function runFanoutBench({ quick }) {
  const settings = settingsFor(quick);
  const stops = [];
  const stopAll = async () => {
    const results = [];
    // In start order: the load workers first, so the servers see their sockets close while still running.
    for (const stop of stops) results.push(await stop());
    return results.every(Boolean);
  };
  const onSigint = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', onSigint);
  let results;
  let cleaned;
  try {
    results = await withTimeout(
      runAll(settings, (stop) => stops.push(stop)),
      settings.budgetMs,
      'fanout benchmark',
    );
  } finally {
    cleaned = await stopAll();
    process.off('SIGINT', onSigint);
  }
  print(results, settings, quick);
  const failed = problems(results);
  if (!cleaned) failed.push('clean-up: schema or Redis keys may be left behind (see above)');
  for (const p of failed) progress(`CHECK FAILED ${p}`);
  const output = {
    scenario: 'fanout',
    quick,
    cpus: cpus().length,
    node: process.version,
    ok: failed.length === 0,
    settings,
    ...results,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}fanout-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  progress(`results written to ${file}`);
  console.log(JSON.stringify(output));
  return failed.length === 0 ? 0 : 1;
}
