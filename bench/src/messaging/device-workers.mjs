import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { epochMs } from './probe.mjs';

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

function startWorker(index) {
  const child = fork(WORKER_JS, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  let exitError;
  child.on('message', ({ id, ok, result, error }) => {
    const call = pending.get(id);
    pending.delete(id);
    if (ok) call?.resolve(result);
    else call?.reject(new Error(`device worker ${index}: ${error}`));
  });
  child.on('exit', (code, signal) => {
    exitError = new Error(`device worker ${index} exited (${signal ?? code})`);
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
 * Forked processes that hold the device sockets and time the deliveries, so this process only sends and
 * adds up. Each worker's clock offset from ours is measured once (the quickest of a few round trips) and
 * taken off its latencies.
 */
export async function startDeviceWorkers(count) {
  const workers = Array.from({ length: count }, (_, i) => startWorker(i));
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
  const all = (cmd, argsOf) => Promise.all(workers.map((w, i) => w.call(cmd, argsOf(i))));

  return {
    pids: workers.map((w) => w.child.pid),
    clockOffsetsMs: offsets,
    /** Connects one socket per token (`/v1/realtime` at `url`), spread over the workers, as the set `set`. */
    async connect(set, url, tokens) {
      const shares = split(tokens, workers.length);
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
    startPhase: (phase) => all('phase', (i) => ({ phase, offsetMs: offsets[i] })),
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
