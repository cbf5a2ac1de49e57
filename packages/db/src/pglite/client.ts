import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errorFrom, type PgliteReply, type PgliteRequest } from './protocol.js';

type Request = PgliteRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The built worker next to this module; from the sources (the package's own tests), the built one in
 * dist: Node runs no TypeScript in a worker, and the tests run after the build.
 */
function workerFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'worker.js');
  return existsSync(beside) ? beside : join(here, '..', '..', 'dist', 'pglite', 'worker.js');
}

/** The service's side of the PGlite thread: one call per request, answered in the order PGlite runs them. */
export class PgliteThread {
  private readonly worker = new Worker(workerFile());
  private readonly pending = new Map<
    number,
    { resolve: (r: PgliteReply) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  private gone: Error | undefined;

  constructor() {
    // Idle, the thread does not keep the process alive; a call in flight does.
    this.worker.unref();
    this.worker.on('message', (reply: PgliteReply) => {
      const call = this.pending.get(reply.id);
      if (!call) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      call.resolve(reply);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the PGlite thread exited (code ${code})`)));
  }

  /** Sends one request; resolves with its rows, rejects with the error PGlite raised. */
  async call(request: Request): Promise<{ rows: unknown[]; rowCount: number }> {
    if (this.gone) throw this.gone;
    const id = this.nextId++;
    const reply = await new Promise<PgliteReply>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
    if (!reply.ok) throw errorFrom(reply.error);
    return { rows: reply.rows ?? [], rowCount: reply.rowCount ?? 0 };
  }

  /** Closes PGlite, then the thread ends; later calls fail with "closed". Resolves if it is gone already. */
  async close(): Promise<void> {
    if (this.gone) return;
    await this.call({ op: 'close' });
    this.gone = new Error('the database is closed');
  }

  private fail(err: Error): void {
    this.gone ??= err;
    for (const call of this.pending.values()) call.reject(err);
    this.pending.clear();
  }
}
