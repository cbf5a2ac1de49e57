import { fork } from 'node:child_process';
import { epochMs } from './time.mjs';

/**
 * One forked worker: `call(cmd, args)` sends `{ id, cmd, ...args }` and resolves with the worker's
 * `{ id, ok: true, result }` (or rejects with its `error`); every call in flight fails if it exits.
 */
function forkWorker(file, name) {
  const child = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  let exitError;
  child.on('message', ({ id, ok, result, error }) => {
    const call = pending.get(id);
    pending.delete(id);
    if (ok) call?.resolve(result);
    else call?.reject(new Error(`${name}: ${error}`));
  });
  child.on('exit', (code, signal) => {
    exitError = new Error(`${name} exited (${signal ?? code})`);
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

/** The worker's clock minus ours, from the quickest of a few `clock` round trips. */
async function clockOffset(worker) {
  let best;
  for (let i = 0; i < 5; i++) {
    const before = epochMs();
    const { now } = await worker.call('clock');
    const after = epochMs();
    if (!best || after - before < best.rtt) best = { rtt: after - before, offset: now - (before + after) / 2 };
  }
  return best.offset;
}

/**
 * `count` forked copies of `file` (load generators that hold sockets), so the benchmark process only
 * sends and adds up. Each answers `clock` with `{ now: epochMs() }`; its offset is measured at start.
 */
export async function forkWorkerPool(file, count, label) {
  const workers = Array.from({ length: count }, (_, i) => forkWorker(file, `${label} ${i}`));
  const clockOffsetsMs = await Promise.all(workers.map(clockOffset));
  return {
    workers,
    pids: workers.map((w) => w.child.pid),
    clockOffsetsMs,
    /** Sends `cmd` to every worker, with `argsOf(index)`; resolves with their results in order. */
    all: (cmd, argsOf = () => ({})) => Promise.all(workers.map((w, i) => w.call(cmd, argsOf(i)))),
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
