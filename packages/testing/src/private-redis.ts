import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './ports.js';
import { stopProcess, type ExitStatus } from './service-process.js';

export interface PrivateRedisOptions {
  /**
   * Keep the data across a restart with an append-only file (fsync on every write). Off by default, like
   * the machine's Redis, which keeps nothing on disk: a restart then starts empty.
   */
  appendOnly?: boolean;
  /** The `redis-server` binary; Debian's by default. */
  binary?: string;
  /** How long a start may take before it fails. */
  startTimeoutMs?: number;
}

export interface PrivateRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its working directory (the append-only file lives there). */
  readonly dir: string;
  readonly running: boolean;
  /** Starts it again on the same port (and directory); resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGTERM: Redis closes its clients and exits. */
  stop(): Promise<ExitStatus>;
  /** SIGKILL: clients see their connections reset, nothing is flushed. */
  kill(): Promise<ExitStatus>;
  /** Stops it (if running) and removes its directory. Idempotent. */
  cleanup(): Promise<void>;
  /** The last lines it printed, for error messages. */
  recentOutput(): string;
}

const KEPT_LINES = 40;

/** Servers started by this process and still running: a run that ends abruptly must not leave them behind. */
const runningServers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const server of runningServers) server.kill('SIGKILL');
});

/**
 * A redis-server of a test's own, on a free port, that the test may stop, kill and start again: the
 * machine's Redis is shared by every suite running at the same time and must never be restarted.
 */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
  const binary = options.binary ?? 'redis-server';
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const recent: string[] = [];
  let child: ChildProcess | undefined;

  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    ...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];

  async function start(): Promise<void> {
    if (child) throw new Error(`private Redis on ${port} is already running`);
    const started = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    runningServers.add(started);
    started.once('exit', () => runningServers.delete(started));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`redis-server on ${port} not ready within ${startTimeoutMs} ms`)),
          startTimeoutMs,
        );
        const settle = (fn: () => void) => {
          clearTimeout(timer);
          fn();
        };
        for (const stream of [started.stdout, started.stderr])
          createInterface({ input: stream! }).on('line', (line) => {
            recent.push(line);
            if (recent.length > KEPT_LINES) recent.shift();
            if (line.includes('Ready to accept connections')) settle(resolve);
          });
        started.once('error', (err) => settle(() => reject(err)));
        started.once('exit', (code, signal) =>
          settle(() =>
            reject(new Error(`redis-server on ${port} exited (${signal ?? code}) while starting`)),
          ),
        );
      });
    } catch (err) {
      await stopProcess(started, 2000);
      child = undefined;
      throw new Error(`${(err as Error).message}\n${recent.join('\n')}`, { cause: err });
    }
  }

  async function end(signal: 'SIGTERM' | 'SIGKILL'): Promise<ExitStatus> {
    const running = child;
    child = undefined;
    if (!running) return { code: null, signal: null };
    if (signal === 'SIGKILL') {
      const exited = new Promise<ExitStatus>((resolve) =>
        running.once('exit', (code, sig) => resolve({ code, signal: sig })),
      );
      if (running.exitCode !== null || running.signalCode !== null)
        return { code: running.exitCode, signal: running.signalCode };
      running.kill('SIGKILL');
      return exited;
    }
    return stopProcess(running, 5000);
  }

  let cleaned: Promise<void> | undefined;
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get running() {
      return child !== undefined;
    },
    start,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    cleanup: () => (cleaned ??= end('SIGKILL').then(() => rmSync(dir, { recursive: true, force: true }))),
    recentOutput: () => recent.join('\n'),
  };
}
