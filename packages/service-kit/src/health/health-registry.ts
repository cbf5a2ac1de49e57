import type { HealthReport, ProbeStatus } from '@parley/protocol';

export type { HealthReport, ProbeStatus };

interface Probe {
  check: () => Promise<unknown>;
  /** A non-critical probe shows in the report but does not make the service unready. */
  critical: boolean;
}

const PROBE_TIMEOUT_MS = 2000;

/**
 * What a service's health is made of: probes of its dependencies (PostgreSQL, Redis, the bus) and
 * details worth showing (outbox lag, connected devices). The same JSON shape in every service.
 */
export class HealthRegistry {
  private readonly probes = new Map<string, Probe>();
  private readonly details = new Map<string, () => unknown>();
  private closing = false;

  constructor(readonly service: string) {}

  probe(name: string, check: () => Promise<unknown>, options: { critical?: boolean } = {}): this {
    this.probes.set(name, { check, critical: options.critical ?? true });
    return this;
  }

  detail(name: string, read: () => unknown): this {
    this.details.set(name, read);
    return this;
  }

  /** From now on the service reports itself not ready, so load balancers stop sending it work. */
  markClosing(): void {
    this.closing = true;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  async report(): Promise<HealthReport> {
    const checks: HealthReport['checks'] = {};
    let healthy = true;
    await Promise.all(
      [...this.probes].map(async ([name, probe]) => {
        const started = Date.now();
        try {
          await withTimeout(probe.check(), PROBE_TIMEOUT_MS);
          checks[name] = { status: 'up', ms: Date.now() - started };
        } catch (err) {
          checks[name] = { status: 'down', ms: Date.now() - started, error: (err as Error).message };
          if (probe.critical) healthy = false;
        }
      }),
    );
    const details: Record<string, unknown> = {};
    for (const [name, read] of this.details) {
      try {
        details[name] = await read();
      } catch {
        details[name] = null;
      }
    }
    return {
      status: this.closing ? 'closing' : healthy ? 'ok' : 'degraded',
      service: this.service,
      checks,
      details,
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      timer.unref?.();
    }),
  ]).finally(() => clearTimeout(timer));
}
