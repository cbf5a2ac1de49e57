import { cpus } from 'node:os';
import { startTokenServer } from '@parley/testing';
import { printTable, progress } from '../lib/report.mjs';
import { round } from '../lib/stats.mjs';
import { withTimeout } from '../lib/time.mjs';
import { startTerminalCore } from './core.mjs';
import { startRelay } from './relay.mjs';
import { measureSetups } from './setups.mjs';
import { fullSettings, quickSettings } from './settings.mjs';

/** Measures one target (a started child process), failing fast if it dies mid-run, then stops it. */
async function measureTarget(target, settings) {
  const crashed = target.exited.then(({ code, signal }) =>
    Promise.reject(new Error(`${target.name} exited during the run (${code ?? signal})`)),
  );
  try {
    return await Promise.race([measureSetups(target, settings), crashed]);
  } finally {
    await target.stop();
  }
}

async function runBoth(settings, tokens, onSpawn) {
  const core = await startTerminalCore(tokens, onSpawn);
  const coreResult = await measureTarget(core, settings);
  const relay = await startRelay(onSpawn);
  const ceiling = await measureTarget(relay, settings);
  return {
    core: coreResult,
    ceiling,
    coreToCeilingPercent:
      ceiling.setupsPerSecond > 0
        ? round((coreResult.setupsPerSecond / ceiling.setupsPerSecond) * 100, 1)
        : null,
  };
}

function rows(label, r) {
  const cpu =
    r.serverCpuPercent === null || r.serverCpuPercent === undefined
      ? `bench ${r.benchCpuPercent} %`
      : `server ${r.serverCpuPercent} % (${r.serverCpuMsPerSetup} ms CPU per setup), bench ${r.benchCpuPercent} %`;
  return [
    [
      label,
      `${r.setupsPerSecond}/s`,
      `${r.setups} setups in ${r.durationSeconds} s; ${r.pairs} caller/callee pairs; ${r.failed} failed`,
    ],
    [
      '   setup latency p50 / p99',
      `${r.setupLatencyMs.p50} / ${r.setupLatencyMs.p99} ms`,
      `Offer sent -> Answer received; max ${r.setupLatencyMs.max} ms`,
    ],
    [
      '   whole exchange p50 / p99',
      `${r.exchangeLatencyMs.p50} / ${r.exchangeLatencyMs.p99} ms`,
      'Offer sent -> callee got the Bye',
    ],
    [
      '   CPU (100 % = one core)',
      '',
      `${cpu}; bench event-loop delay p99 ${r.benchEventLoopDelayMs?.p99} ms`,
    ],
  ];
}

function print({ core, ceiling, coreToCeilingPercent }, quick) {
  printTable(
    `Parley terminal benchmark${quick ? ' (--quick)' : ''}: ${cpus().length} CPUs, Node ${process.version}`,
    [
      ...rows('1. Call setups through the core', core),
      ...rows('2. Ceiling: bare grpc-js relay', ceiling),
      [
        '3. Core / ceiling',
        `${coreToCeilingPercent} %`,
        `of the relay's setups/s; setup p50 ${core.setupLatencyMs.p50} vs ${ceiling.setupLatencyMs.p50} ms`,
      ],
    ],
  );
}

/** Every check a figure depends on; a failed one makes the run exit non-zero. */
function problems({ core, ceiling }) {
  const out = [];
  for (const r of [core, ceiling]) {
    if (r.setups === 0) out.push(`${r.target}: no call setup completed`);
    if (r.failed > 0) out.push(`${r.target}: ${r.failed} failed setups ${JSON.stringify(r.failures)}`);
  }
  return out;
}

/** `terminal [--quick]`: call setups/s through the terminal core and through a bare relay, and the ratio. */
export async function runTerminalBench({ quick }) {
  const settings = quick ? quickSettings : fullSettings;
  // Stands in for the messaging service as the token issuer; tokens are minted per terminal.
  const tokens = await startTokenServer({ ttlSeconds: 3600 });
  // stop() of every child process started so far (idempotent: a finished target is stopped already).
  const stops = [];
  const stopAll = async () => {
    const results = await Promise.all(stops.map((stop) => stop()));
    await tokens.close();
    return results.every(Boolean);
  };
  // Ctrl-C still stops the child processes and deletes the core's Redis keys.
  const onSigint = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', onSigint);
  let results;
  let cleaned;
  try {
    results = await withTimeout(
      runBoth(settings, tokens, (stop) => stops.push(stop)),
      settings.budgetMs,
      'terminal benchmark',
    );
  } finally {
    cleaned = await stopAll();
    process.off('SIGINT', onSigint);
  }
  print(results, quick);
  const failed = problems(results);
  if (!cleaned) failed.push('clean-up: Redis keys of the core may be left behind (see above)');
  for (const p of failed) progress(`CHECK FAILED ${p}`);
  console.log(
    JSON.stringify({
      scenario: 'terminal',
      quick,
      cpus: cpus().length,
      node: process.version,
      ok: failed.length === 0,
      settings: { pairs: settings.pairs, warmupMs: settings.warmupMs, durationMs: settings.durationMs },
      ...results,
    }),
  );
  return failed.length === 0 ? 0 : 1;
}
