import type { Logger } from '@parley/logger';

/**
 * The order a service closes in. Each phase finishes before the next starts, so nothing is closed under
 * something that still uses it: first no new connections, then live streams end with a proper close, then
 * in-flight jobs finish, then Redis and the bus, last the database.
 */
export const ClosePhases = [
  'stop-accepting',
  'end-streams',
  'finish-jobs',
  'close-clients',
  'close-storage',
] as const;
export type ClosePhase = (typeof ClosePhases)[number];

interface Closer {
  name: string;
  close: () => Promise<unknown> | unknown;
}

/** Everything a running service must close, registered as it starts. */
export class Lifecycle {
  private readonly closers = new Map<ClosePhase, Closer[]>(ClosePhases.map((p) => [p, []]));
  private closing: Promise<CloseReport> | undefined;

  constructor(private readonly logger?: Logger) {}

  /** Registers `close` for `phase`; closers of one phase run together, phases one after another. */
  onClose(phase: ClosePhase, name: string, close: Closer['close']): void {
    this.closers.get(phase)!.push({ name, close });
  }

  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Runs every phase in order, at most once however often it is called. A closer that throws is logged
   * and the close goes on; one that hangs is left behind when `timeoutMs` runs out.
   */
  close(timeoutMs: number): Promise<CloseReport> {
    this.closing ??= this.runPhases(timeoutMs);
    return this.closing;
  }

  private async runPhases(timeoutMs: number): Promise<CloseReport> {
    const started = Date.now();
    const failed: string[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref?.();
    });
    let current: ClosePhase | undefined;
    const run = (async () => {
      for (const phase of ClosePhases) {
        current = phase;
        const closers = this.closers.get(phase)!;
        await Promise.all(
          closers.map(async (c) => {
            const began = Date.now();
            try {
              await c.close();
              this.logger?.debug({ phase, closer: c.name, ms: Date.now() - began }, 'closed');
            } catch (err) {
              failed.push(c.name);
              this.logger?.warn({ err, phase, closer: c.name }, 'close step failed');
            }
          }),
        );
      }
      return 'done' as const;
    })();
    const outcome = await Promise.race([run, deadline]);
    if (timer) clearTimeout(timer);
    return {
      completed: outcome === 'done',
      timedOutIn: outcome === 'done' ? undefined : current,
      failed,
      ms: Date.now() - started,
    };
  }
}

export interface CloseReport {
  /** Every phase ran within the time allowed. */
  completed: boolean;
  /** The phase that was still running when time ran out. */
  timedOutIn?: ClosePhase;
  /** Closers that threw. */
  failed: string[];
  ms: number;
}
