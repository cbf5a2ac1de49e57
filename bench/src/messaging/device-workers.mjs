import { fileURLToPath } from 'node:url';
import { forkWorkerPool } from '../lib/worker-pool.mjs';

const WORKER_JS = fileURLToPath(new URL('./device-worker.mjs', import.meta.url));

/** Splits `items` into `parts` consecutive slices whose sizes differ by at most one. */
function split(items, parts) {
  const out = [];
  let from = 0;
  for (let i = 0; i < parts; i++) {
    const size = Math.floor(items.length / parts) + (i < items.length % parts ? 1 : 0);
    out.push(items.slice(from, from + size));
    from += size;
  }
  return out;
}

/**
 * Forked processes that hold the device sockets and time the deliveries, so this process only sends and
 * adds up. Each worker's clock offset from ours is measured once (the quickest of a few round trips) and
 * taken off its latencies.
 */
export async function startDeviceWorkers(count) {
  const pool = await forkWorkerPool(WORKER_JS, count, 'device worker');
  const { all } = pool;

  return {
    pids: pool.pids,
    clockOffsetsMs: pool.clockOffsetsMs,
    /** Connects one socket per token (`/v1/realtime` at `url`), spread over the workers, as the set `set`. */
    async connect(set, url, tokens) {
      const shares = split(tokens, pool.workers.length);
      const results = await all('connect', (i) => ({ set, url, tokens: shares[i] }));
      return {
        connected: results.reduce((n, r) => n + r.connected, 0),
        failed: results.reduce((n, r) => n + r.failed, 0),
        firstError: results.find((r) => r.firstError)?.firstError,
        seconds: Math.max(...results.map((r) => r.seconds)),
      };
    },
    close: (set) => all('close', () => ({ set })),
    /** Starts counting the probes of `phase`. */
    startPhase: (phase) => all('phase', (i) => ({ phase, offsetMs: pool.clockOffsetsMs[i] })),
    async received(phase) {
      return (await all('totals', () => ({ phase }))).reduce((n, r) => n + r.received, 0);
    },
    /** Ends the phase: every latency, and the deliveries, duplicates and reorderings over all sockets. */
    async report(phase) {
      const results = await all('report', () => ({ phase }));
      return {
        latencies: results.flatMap((r) => r.latencies),
        received: results.reduce((n, r) => n + r.received, 0),
        duplicates: results.reduce((n, r) => n + r.duplicates, 0),
        outOfOrder: results.reduce((n, r) => n + r.outOfOrder, 0),
      };
    },
    stop: pool.stop,
  };
}
