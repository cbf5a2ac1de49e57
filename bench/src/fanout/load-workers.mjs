import { fileURLToPath } from 'node:url';
import { forkWorkerPool } from '../lib/worker-pool.mjs';
import { histogramSummary, mergeHistogram } from './probe.mjs';

const WORKER_JS = fileURLToPath(new URL('./worker.mjs', import.meta.url));

/** Splits `total` into `parts` shares that differ by at most one. */
export const shares = (total, parts) =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

/**
 * Forked load workers that hold the sockets. Each connects its share of every variant's sockets and,
 * per phase, counts the probes received over all of them; this process only sends and adds up.
 */
export async function startLoadWorkers(count) {
  const pool = await forkWorkerPool(WORKER_JS, count, 'load worker');
  const { workers, all } = pool;

  return {
    pids: pool.pids,
    clockOffsetsMs: pool.clockOffsetsMs,
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
        windowStart: windowStart + pool.clockOffsetsMs[i],
        windowEnd: windowEnd + pool.clockOffsetsMs[i],
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
    stop: pool.stop,
  };
}
