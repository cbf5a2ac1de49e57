import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns a Node service whose stdout/stderr are JSON log lines. Every line goes to `onLine` (so the pipes
 * are always drained and the child never blocks on a full pipe); the last lines are kept for error reports.
 */
export function spawnLoggingProcess(script, { env, onLine = () => {} }) {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const recent = [];
  const listeners = new Set();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      onLine(line);
      for (const listener of listeners) listener(line);
    });
  }
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    recentOutput: () => recent.join('\n'),
    /** Resolves with the first line for which `match` is true; rejects if the child exits first or on timeout. */
    waitForLine(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const done = (fn, value) => {
          clearTimeout(timer);
          listeners.delete(listener);
          fn(value);
        };
        const listener = (line) => match(line) && done(resolve, line);
        const timer = setTimeout(
          () => done(reject, new Error(`no matching log line within ${timeoutMs} ms:\n${recent.join('\n')}`)),
          timeoutMs,
        );
        listeners.add(listener);
        exited.then(({ code, signal }) =>
          done(
            reject,
            new Error(`process exited (${code ?? signal}) before it was ready:\n${recent.join('\n')}`),
          ),
        );
      });
    },
    /** SIGTERM for a graceful shutdown, SIGKILL if it has not exited after `graceMs`. */
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(killer);
      return result;
    },
  };
}
