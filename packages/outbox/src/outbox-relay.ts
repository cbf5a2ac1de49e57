import { toBusEvent, type EventBus, type PublishInput, type Topic } from '@parley/event-bus';
import { OutboxMetrics, type OutboxMetricsRecorder } from './outbox-metrics.js';
import type { OutboxRepository, OutboxRow } from './outbox.repository.js';
import { relayBackoffMs } from './relay-backoff.js';

/** Structured logging as pino does it (`logger.warn({ err }, 'message')`), without depending on pino. */
export interface OutboxLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface OutboxRelayOptions {
  outbox: OutboxRepository;
  /** Only `publishMany` is used: one transaction per batch, de-duplicated by event id. */
  bus: Pick<EventBus, 'publishMany'>;
  logger?: OutboxLogger;
  /** How often the table is looked at when nobody nudges the relay. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Rows per claim and publish. Default 200. */
  batchSize?: number;
  /** How long a claim keeps other relays off its rows; longer than any publish can take. Default 30 s. */
  claimSeconds?: number;
  /** Published rows are deleted after this long. Default 24 h. */
  keepPublishedHours?: number;
  /** Delay after `failures` consecutive failed publishes. Default: relayBackoffMs. */
  backoffMs?: (failures: number) => number;
  /** The service's metrics: the outbox's depth and lag, read from the table when Prometheus scrapes. */
  metrics?: OutboxMetricsRecorder;
}

const cleanupEveryMs = 10 * 60_000;

const silentLogger: OutboxLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Publishes committed outbox rows to the event bus. A Redis outage makes publishes fail: the rows stay
 * pending and are retried with backoff, so side effects are delayed, never lost. Re-publishing after a
 * partial failure is harmless because the bus de-duplicates by event id. A row the bus can never accept
 * (unknown topic, unusable id, payload off its schema) is set aside with its reason instead of blocking
 * every row behind it.
 */
export class OutboxRelay {
  private readonly outbox: OutboxRepository;
  private readonly bus: Pick<EventBus, 'publishMany'>;
  private readonly logger: OutboxLogger;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly claimSeconds: number;
  private readonly keepPublishedHours: number;
  private readonly backoffMs: (failures: number) => number;

  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private started = false;
  private stopped = false;
  private failures = 0;
  private lastCleanup = 0;

  constructor(options: OutboxRelayOptions) {
    this.outbox = options.outbox;
    this.bus = options.bus;
    this.logger = options.logger ?? silentLogger;
    this.pollIntervalMs = positiveInteger('pollIntervalMs', options.pollIntervalMs ?? 1_000);
    this.batchSize = positiveInteger('batchSize', options.batchSize ?? 200);
    this.claimSeconds = positiveInteger('claimSeconds', options.claimSeconds ?? 30);
    this.keepPublishedHours = positiveInteger('keepPublishedHours', options.keepPublishedHours ?? 24);
    this.backoffMs = options.backoffMs ?? relayBackoffMs;
    options.metrics?.sample(OutboxMetrics.pendingRows, () => this.outbox.pendingCount());
    options.metrics?.sample(OutboxMetrics.lag, () => this.outbox.oldestPendingAgeSeconds());
  }

  /** Starts polling (and publishes what is pending at once). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule(0);
  }

  /** Stops polling; resolves once a publish in progress has finished, so the database may close after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Called after each commit so side effects leave at once rather than at the next poll. */
  nudge(): void {
    if (!this.started || this.stopped || this.failures > 0) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.schedule(0);
  }

  /** Publishes everything pending now, batch after batch; resolves with the number of rows handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishOneBatch();
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    let published = 0;
    const run = (async () => {
      try {
        published = await this.publishOneBatch();
        if (this.failures > 0) this.logger.info({ afterFailures: this.failures }, 'outbox relay recovered');
        this.failures = 0;
        await this.cleanupOccasionally();
      } catch (err) {
        this.failures += 1;
        this.logger.warn({ err, failures: this.failures }, 'outbox publish failed; will retry');
      }
    })();
    this.running = run;
    await run;
    this.running = undefined;
    if (this.failures > 0) this.schedule(this.backoffMs(this.failures));
    else if (published === this.batchSize || this.rerun) {
      this.rerun = false;
      this.schedule(0);
    } else this.schedule(this.pollIntervalMs);
  }

  private async publishOneBatch(): Promise<number> {
    const rows = await this.outbox.claimBatch(this.batchSize, this.claimSeconds);
    if (rows.length === 0) return 0;

    const inputs: PublishInput[] = [];
    const rejected: Array<{ id: number; reason: string }> = [];
    const publishedIds: number[] = [];
    const eventIds = new Set<string>();
    for (const row of rows) {
      let input: PublishInput;
      try {
        input = publishInputOf(row);
      } catch (err) {
        rejected.push({ id: row.id, reason: (err as Error).message });
        continue;
      }
      publishedIds.push(row.id);
      // Two rows of one event publish it once; the bus would drop the second anyway.
      if (eventIds.has(input.id)) continue;
      eventIds.add(input.id);
      inputs.push(input);
    }

    if (rejected.length > 0) {
      await this.outbox.reject(rejected);
      for (const { id, reason } of rejected) {
        this.logger.error({ outboxRowId: id, reason }, 'outbox row can never be published; set aside');
      }
    }
    if (inputs.length > 0) {
      try {
        await this.bus.publishMany(inputs);
      } catch (err) {
        await this.outbox.releaseClaim(publishedIds, (err as Error).message ?? String(err));
        throw err;
      }
    }
    await this.outbox.markPublished(publishedIds);
    return rows.length;
  }

  private async cleanupOccasionally(): Promise<void> {
    if (Date.now() - this.lastCleanup < cleanupEveryMs) return;
    this.lastCleanup = Date.now();
    await this.outbox.deletePublishedBefore(this.keepPublishedHours);
  }
}

/** What the bus gets for a claimed row; throws (without touching Redis) when the bus could never accept it. */
function publishInputOf(row: OutboxRow): PublishInput {
  const input: PublishInput = {
    topic: row.topic as Topic,
    id: row.event_id,
    payload: row.payload,
    occurredAt: row.created_at.toISOString(),
    ...(row.request_id ? { metadata: { requestId: row.request_id } } : {}),
  };
  toBusEvent(input);
  return input;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`outbox relay: ${name} must be an integer >= 1, got ${value}`);
  return value;
}
