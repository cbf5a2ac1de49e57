import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventBus, Topic } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { EVENT_BUS, LOGGER } from '../infrastructure/tokens.js';
import { OutboxRepository } from './outbox.repository.js';
import { relayBackoffMs } from './relay-backoff.js';

const BATCH_SIZE = 200;
const CLAIM_SECONDS = 30;

/**
 * Publishes committed outbox rows to the event bus. A Redis outage makes publishes fail: the rows stay
 * pending and are retried with backoff, so side effects are delayed, never lost. Re-publishing after a
 * partial failure is harmless because the bus de-duplicates by event id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private rerun = false;
  private stopped = false;
  private failures = 0;
  private lastCleanup = 0;

  constructor(
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Called after each commit so side effects leave at once rather than at the next poll. */
  nudge(): void {
    if (this.stopped || this.failures > 0) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.schedule(0);
  }

  /** Drains what is pending now; used by tests and shutdown paths. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishOneBatch();
      total += n;
      if (n < BATCH_SIZE) return total;
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
    this.running = true;
    let published = 0;
    try {
      published = await this.publishOneBatch();
      if (this.failures > 0) this.logger.info({ afterFailures: this.failures }, 'outbox relay recovered');
      this.failures = 0;
      await this.cleanupOccasionally();
    } catch (err) {
      this.failures += 1;
      this.logger.warn({ err, failures: this.failures }, 'outbox publish failed; will retry');
    } finally {
      this.running = false;
    }
    if (this.failures > 0) this.schedule(relayBackoffMs(this.failures));
    else if (published === BATCH_SIZE || this.rerun) {
      this.rerun = false;
      this.schedule(0);
    } else this.schedule(this.config.outbox.pollIntervalMs);
  }

  private async publishOneBatch(): Promise<number> {
    const rows = await this.outbox.claimBatch(BATCH_SIZE, CLAIM_SECONDS);
    if (rows.length === 0) return 0;
    try {
      await this.bus.publishMany(
        rows.map((r) => ({ topic: r.topic as Topic, id: r.event_id, payload: r.payload })),
      );
    } catch (err) {
      await this.outbox.releaseClaim(
        rows.map((r) => r.id),
        (err as Error).message ?? String(err),
      );
      throw err;
    }
    await this.outbox.markPublished(rows.map((r) => r.id));
    return rows.length;
  }

  private async cleanupOccasionally(): Promise<void> {
    if (Date.now() - this.lastCleanup < 10 * 60_000) return;
    this.lastCleanup = Date.now();
    await this.outbox.deletePublishedBefore(24);
  }
}
