import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { epochMs, histogramSummary, mergeHistogram } from './probe.mjs';

const WORKER_JS = fileURLToPath(new URL('./worker.mjs', import.meta.url));

/** Splits `total` into `parts` shares that differ by at most one. */
export const shares = (total, parts) =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

function startWorker(index) {
  const child = fork(WORKER_JS, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  let exitError;
  child.on('message', ({ id, ok, result, error }) => {
    const call = pending.get(id);
    pending.delete(id);
    if (ok) call?.resolve(result);
    else call?.reject(new Error(`load worker ${index}: ${error}`));
  });
  child.on('exit', (code, signal) => {
    exitError = new Error(`load worker ${index} exited (${signal ?? code})`);
    for (const call of pending.values()) call.reject(exitError);
    pending.clear();
  });
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      if (exitError) return reject(exitError);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, ...args });
    });
  return { child, call };
}

/**
 * Forked load workers that hold the sockets. Each connects its share of every variant's sockets and,
 * per phase, counts the probes received over all of them; this process only sends and adds up.
 */
export async function startLoadWorkers(count) {
  const workers = Array.from({ length: count }, (_, i) => startWorker(i));
  const all = (cmd, argsOf) => Promise.all(workers.map((w, i) => w.call(cmd, argsOf(i))));

  // Each worker's clock offset from ours (its epochMs minus ours), from the quickest of a few round trips.
  const offsets = await Promise.all(
    workers.map(async (w) => {
      let best;
      for (let i = 0; i < 5; i++) {
        const before = epochMs();
        const { now } = await w.call('clock');
        const after = epochMs();
        if (!best || after - before < best.rtt)
          best = { rtt: after - before, offset: now - (before + after) / 2 };
      }
      return best.offset;
    }),
  );

  return {
    pids: workers.map((w) => w.child.pid),
    clockOffsetsMs: offsets,
    /** Connects `total` sockets of a variant spread over the workers; Parley's take one token each. */
    async connect(variant, total, target) {
      const split = shares(total, workers.length);
      let from = 0;
      const results = await all('connect', (i) => {
        const part = { ...target };
        if (target.tokens) part.tokens = target.tokens.slice(from, from + split[i]);
        from += split[i];
        return { variant, target: part, count: split[i] };
      });
      return {
        connected: results.reduce((n, r) => n + r.connected, 0),
        failed: results.reduce((n, r) => n + r.failed, 0),
        firstError: results.find((r) => r.firstError)?.firstError,
        seconds: Math.max(...results.map((r) => r.seconds)),
      };
    },
    /** Opens a phase: the probes tagged `phase` are counted, those received in the window as throughput. */
    startPhase: (phase, variant, windowStart, windowEnd) =>
      all('phase', (i) => ({
        phase,
        variant,
        // The workers compare against their own clock.
        windowStart: windowStart + offsets[i],
        windowEnd: windowEnd + offsets[i],
      })),
    async totalReceived(phase) {
      const results = await all('totals', () => ({ phase }));
      return results.reduce((n, r) => n + r.total, 0);
    },
    async report(phase) {
      const results = await all('report', () => ({ phase }));
      const histogram = {};
      for (const r of results) mergeHistogram(histogram, r.histogram);
      return {
        inWindow: results.reduce((n, r) => n + r.inWindow, 0),
        total: results.reduce((n, r) => n + r.total, 0),
        latencyMs: histogramSummary(histogram),
      };
    },
    close: (variant) => all('close', () => ({ variant })),
    /** Ends the workers (their sockets close with them) and resolves once all have exited. */
    stop: () =>
      Promise.all(
        workers.map(
          (w) =>
            new Promise((resolve) => {
              if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
              w.child.once('exit', resolve);
              w.child.kill('SIGTERM');
            }),
        ),
      ),
  };
}
