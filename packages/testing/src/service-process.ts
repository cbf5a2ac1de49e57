import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartServiceOptions {
  /** The built entry point, e.g. the absolute path of apps/messaging/dist/main.js. */
  main: string;
  /** The service's configuration. */
  env: Record<string, string>;
  /** Flags for node before the entry point, e.g. `--cpu-prof` to see where a benchmark's time goes. */
  nodeArgs?: string[];
  /** A URL that answers 2xx once the service is ready to serve, e.g. `http://127.0.0.1:<port>/health`. */
  healthUrl?: string;
  /** For a service without HTTP (a bare gRPC server): ready once it prints a line this accepts. */
  readyLine?: (line: string) => boolean;
  /** Names the service in errors; defaults to the entry point. */
  name?: string;
  /** How long start-up may take before the child is killed and the start fails. */
  startTimeoutMs?: number;
  /**
   * Pass this process's environment through. Off by default: a stray variable in a developer's shell
   * (a signing key, OAUTH_CLIENTS) must not change the service under test. PATH is always kept.
   */
  inheritEnv?: boolean;
  /** Every line the child prints (stdout and stderr); the pipes are drained either way. */
  onOutputLine?: (line: string) => void;
  /** Called as soon as the child exists, before it is ready, e.g. so a Ctrl-C handler can stop it. */
  onSpawn?: (service: ServiceProcess) => void;
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Settles once the child has exited, however it ended. */
  readonly exited: Promise<ExitStatus>;
  /** The last lines the child printed, for error messages. */
  recentOutput(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

const KEPT_LINES = 60;

/**
 * Starts a built service (`node <main>`) as a child process and resolves once it is ready: its health URL
 * answers 2xx (or, without HTTP, it printed its ready line). Fails, with the child's last output, if the
 * child exits first or the start takes too long; the child is stopped then.
 */
export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const name = options.name ?? options.main;
  const { healthUrl, readyLine } = options;
  if ((healthUrl === undefined) === (readyLine === undefined))
    throw new Error(`startService(${name}): give either healthUrl or readyLine`);
  const env = options.inheritEnv
    ? { ...process.env, ...options.env }
    : { PATH: process.env.PATH ?? '', ...options.env };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.main], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  let sawReadyLine = false;
  const lineArrived = new EventEmitter();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > KEPT_LINES) recent.shift();
      options.onOutputLine?.(line);
      if (readyLine && !sawReadyLine && readyLine(line)) {
        sawReadyLine = true;
        lineArrived.emit('ready');
      }
    });
  }
  const exited = exitOf(child);
  const service: ServiceProcess = {
    child,
    exited,
    recentOutput: () => recent.join('\n'),
    stop: (graceMs) => stopProcess(child, graceMs),
  };
  options.onSpawn?.(service);
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  try {
    if (healthUrl !== undefined) await waitForHealth(healthUrl, exited, timeoutMs);
    else if (!sawReadyLine) await waitForReadyLine(lineArrived, exited, timeoutMs);
  } catch (err) {
    await service.stop(2000);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${name} did not start: ${reason}\n${service.recentOutput()}`, { cause: err });
  }
  return service;
}

async function waitForHealth(url: string, exited: Promise<ExitStatus>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: ExitStatus | undefined;
  void exited.then((status) => (exit = status));
  let last: string;
  for (;;) {
    if (exit) throw new Error(`exited (${exit.signal ?? `code ${exit.code}`}) before ${url} answered`);
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(Math.min(5000, Math.max(500, deadline - Date.now()))),
      });
      await res.body?.cancel();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) throw new Error(`${url} did not answer 2xx within ${timeoutMs} ms (${last})`);
    await Promise.race([delay(50), exited]);
  }
}

async function waitForReadyLine(
  lineArrived: EventEmitter,
  exited: Promise<ExitStatus>,
  timeoutMs: number,
): Promise<void> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  try {
    await Promise.race([
      once(lineArrived, 'ready', { signal: timeout.signal }).catch(() => {
        throw new Error(`no ready line within ${timeoutMs} ms`);
      }),
      exited.then((exit) => {
        throw new Error(`exited (${exit.signal ?? `code ${exit.code}`}) before its ready line`);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    timeout.abort();
  }
}

function exitOf(child: ChildProcess): Promise<ExitStatus> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  // 'close', not 'exit': it comes after the child's output has been read to the end.
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

/**
 * Ends a child process the way an orchestrator would: SIGTERM for a graceful shutdown, SIGKILL if it is
 * still running after `graceMs`. Resolves once it has exited; a child that already exited resolves at once.
 */
export async function stopProcess(child: ChildProcess | undefined, graceMs = 10_000): Promise<ExitStatus> {
  if (!child) return { code: null, signal: null };
  const exited = exitOf(child);
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(killer);
  }
}
