import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errorFrom, type PgliteReply, type PgliteRequest } from './protocol.js';

type Request = PgliteRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
type Result = { rows: unknown[]; rowCount: number };

/** Waits before reopening after a failed attempt: the first one is at once, later ones back off. */
const REOPEN_DELAYS_MS = [0, 1000, 5000, 15_000];

/**
 * The built worker next to this module; from the sources (the package's own tests), the built one in
 * dist: Node runs no TypeScript in a worker, and the tests run after the build.
 */
function workerFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'worker.js');
  return existsSync(beside) ? beside : join(here, '..', '..', 'dist', 'pglite', 'worker.js');
}

/**
 * What a statement lost with the thread fails with: SQLSTATE 57P02 (crash_shutdown), the code PostgreSQL
 * gives its sessions when the server stops under them, so callers treat it as the database being away
 * for a moment (a 503 with Retry-After) rather than as a fault of the statement.
 */
function threadLost(reason: string): Error {
  return Object.assign(new Error(`the PGlite thread stopped (${reason}); it is being reopened`), {
    code: '57P02',
  });
}

export interface PgliteThreadOptions {
  /** Data directory; undefined for an in-memory database, whose data ends with its thread. */
  dataDir: string | undefined;
  /** V8 heap limit of the thread: past it the thread stops (and reopens) instead of the process. */
  heapLimitMb?: number;
  /** Hears why the thread stopped, and each failed attempt to reopen it. */
  onError?: (err: Error) => void;
}

interface Running {
  worker: Worker;
  generation: number;
  /** Set once the database is open in it: a thread that stops before is the open's failure to handle. */
  open: boolean;
  pending: Map<number, { resolve: (r: PgliteReply) => void; reject: (e: Error) => void }>;
}

/**
 * The service's side of the PGlite thread: one call per request, answered in the order PGlite runs them.
 *
 * A thread that stops (its heap full, its engine aborted) takes its open transactions with it, and
 * PostgreSQL's recovery on the next open rolls them back; what was committed is on disk. So the thread is
 * opened again on the same directory, with the same session settings, while the service goes on: the
 * statements in flight fail as retryable, calls made during the reopen wait for it, and calls made while
 * a failed reopen backs off fail at once, as retryable too.
 */
export class PgliteThread {
  private running: Running | undefined;
  private opening: Promise<void> | undefined;
  private down: Error | undefined;
  private closed: Error | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private failedReopens = 0;
  private generations = 0;
  private nextId = 1;
  /** Statements every session runs first (search_path), replayed when the thread is reopened. */
  private readonly sessionSql: string[] = [];
  /** Which thread each open transaction began on: on any other, it is gone. */
  private readonly transactions = new Map<number, number>();

  constructor(private readonly options: PgliteThreadOptions) {}

  /** Opens the database in a first thread; fails if it cannot be opened. */
  async open(): Promise<void> {
    await this.startThread();
  }

  /** Runs a session setting now and again on every reopened thread. */
  async setSession(sql: string): Promise<void> {
    await this.call({ op: 'exec', sql });
    this.sessionSql.push(sql);
  }

  /** Sends one request; resolves with its rows, rejects with the error PGlite raised. */
  async call(request: Request): Promise<Result> {
    if (this.opening) await this.opening.catch(() => undefined);
    if (this.closed) throw this.closed;
    if (this.down || !this.running) throw this.down ?? threadLost('not open');
    const running = this.running;
    if ('tx' in request && request.op !== 'begin') {
      const began = this.transactions.get(request.tx);
      if (request.op === 'end') this.transactions.delete(request.tx);
      // Not begun at all (or ended already): the thread says the transaction is closed.
      if (began !== undefined && began !== running.generation)
        throw threadLost('its transaction went with it');
    }
    const reply = await this.send(running, request);
    if (request.op === 'begin' && reply.ok) this.transactions.set(request.tx, running.generation);
    if (!reply.ok) throw errorFrom(reply.error);
    return { rows: reply.rows ?? [], rowCount: reply.rowCount ?? 0 };
  }

  /** Closes PGlite, then the thread ends; later calls fail with "closed". Resolves if it is gone already. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.reopenTimer);
    if (this.opening) await this.opening.catch(() => undefined);
    const running = this.running;
    this.closed = new Error('the database is closed');
    this.running = undefined;
    if (running) await this.send(running, { op: 'close' }).catch(() => undefined);
  }

  private send(running: Running, request: Request): Promise<PgliteReply> {
    const id = this.nextId++;
    return new Promise<PgliteReply>((resolve, reject) => {
      // Idle, the thread does not keep the process alive; a call in flight does.
      if (running.pending.size === 0) running.worker.ref();
      running.pending.set(id, { resolve, reject });
      running.worker.postMessage({ ...request, id });
    });
  }

  private startThread(): Promise<void> {
    const worker = new Worker(
      workerFile(),
      this.options.heapLimitMb ? { resourceLimits: { maxOldGenerationSizeMb: this.options.heapLimitMb } } : {},
    );
    worker.unref();
    const running: Running = { worker, generation: ++this.generations, open: false, pending: new Map() };
    let stopReason: Error | undefined;
    worker.on('message', (reply: PgliteReply) => {
      const call = running.pending.get(reply.id);
      if (!call) return;
      running.pending.delete(reply.id);
      if (running.pending.size === 0) worker.unref();
      call.resolve(reply);
    });
    worker.on('error', (err) => (stopReason = err));
    worker.on('exit', (code) => this.onExit(running, stopReason?.message ?? `exit code ${code}`));

    const opened = (async () => {
      const reply = await this.send(running, { op: 'open', dataDir: this.options.dataDir });
      if (!reply.ok) throw errorFrom(reply.error);
      for (const sql of this.sessionSql) {
        const set = await this.send(running, { op: 'exec', sql });
        if (!set.ok) throw errorFrom(set.error);
      }
    })();
    this.running = running;
    this.down = undefined;
    this.opening = opened.then(
      () => {
        this.opening = undefined;
        running.open = true;
        this.failedReopens = 0;
      },
      async (err: unknown) => {
        this.opening = undefined;
        if (this.running === running) this.running = undefined;
        await worker.terminate();
        throw err;
      },
    );
    return this.opening;
  }

  private onExit(running: Running, reason: string): void {
    const lost = threadLost(reason);
    for (const call of running.pending.values()) call.reject(lost);
    running.pending.clear();
    if (this.closed || this.running !== running || !running.open) return;
    this.running = undefined;
    this.options.onError?.(lost);
    if (this.options.dataDir === undefined) {
      this.closed = Object.assign(new Error(`the in-memory PGlite database is gone (${reason})`), {
        code: '57P02',
      });
      return;
    }
    this.reopen(lost);
  }

  /** Reopens the thread on the same directory; a failed attempt is retried later, further apart each time. */
  private reopen(lost: Error): void {
    this.down = lost;
    const delay = REOPEN_DELAYS_MS[Math.min(this.failedReopens, REOPEN_DELAYS_MS.length - 1)] ?? 0;
    this.reopenTimer = setTimeout(() => {
      if (this.closed) return;
      this.startThread().catch((err: unknown) => {
        this.failedReopens += 1;
        this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
        if (!this.closed) this.reopen(lost);
      });
    }, delay);
    this.reopenTimer.unref();
  }
}
