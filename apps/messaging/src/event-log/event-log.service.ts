import { Inject, Injectable } from '@nestjs/common';
import type { Database, TransactionExecutor } from '@parley/db';
import { MessagingLimits, type RetransmitResponse } from '@parley/protocol';
import { DATABASE } from '../infrastructure/tokens.js';
import { EventDeliveryService } from '../realtime/event-delivery.service.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { EventAppender } from './event-appender.js';
import { EventLogRepository } from './event-log.repository.js';
import { planRetransmitPage } from './retransmit-page.js';

/** Events per database read of a streamed replay: large enough to amortise the round trip, small in memory. */
const STREAM_BATCH = 5000;
/** Events per written chunk: about 60 KB, under V8's large-object size. */
const CHUNK_LINES = 100;

@Injectable()
export class EventLogService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EventLogRepository) private readonly events: EventLogRepository,
    @Inject(EventDeliveryService) private readonly delivery: EventDeliveryService,
    @Inject(OutboxRelay) private readonly outbox: OutboxRelay,
  ) {}

  /**
   * Runs `work` in one transaction with an appender; once committed, every appended event is pushed to its
   * recipients' devices and the outbox relay is woken. Nothing is pushed for a rolled-back transaction.
   *
   * The push is not awaited: the caller (and the next batch of its conversation's sends) need not wait for
   * Redis to answer. Publishes still leave in commit order, as they queue on one Redis connection in the
   * order they are made, and delivery never throws (a failed push is repaired by seq).
   */
  async commit<T>(work: (tx: TransactionExecutor, log: EventAppender) => Promise<T>): Promise<T> {
    let appender: EventAppender | undefined;
    const result = await this.db.transaction(async (tx) => {
      appender = new EventAppender(tx);
      return work(tx, appender);
    });
    const committed = appender?.appended ?? [];
    if (committed.length > 0) {
      void this.delivery.deliver(committed);
      this.outbox.nudge();
    }
    return result;
  }

  /**
   * The events `fromSeq..toSeq` as NDJSON chunks, read in batches so a replay of millions of events holds one
   * batch in memory at a time; the consumer pulls the next batch only when it has written this one.
   */
  async *streamLines(conversationId: string, fromSeq: number, toSeq: number): AsyncGenerator<string> {
    for (let from = fromSeq; from <= toSeq; from += STREAM_BATCH) {
      const lines = await this.events.readJsonLines(
        conversationId,
        from,
        Math.min(toSeq, from + STREAM_BATCH - 1),
      );
      // Written in chunks of CHUNK_LINES: each stays a small heap object that dies young, where one string
      // per batch (megabytes) would pile up until a full collection.
      for (let i = 0; i < lines.length; i += CHUNK_LINES)
        yield lines.slice(i, i + CHUNK_LINES).join('\n') + '\n';
    }
  }

  /** retransmitEvents: the caller has already been authorised for the conversation. */
  async retransmit(
    conversationId: string,
    lastSeq: number,
    fromSeq: number,
    toSeq?: number,
  ): Promise<RetransmitResponse> {
    const page = planRetransmitPage({
      lastSeq,
      fromSeq,
      toSeq,
      pageSize: MessagingLimits.retransmitPageSize,
    });
    const events = page.empty ? [] : await this.events.readRange(conversationId, page.fromSeq, page.toSeq);
    return {
      conversationId,
      events,
      fromSeq: page.fromSeq,
      toSeq: page.toSeq,
      lastSeq,
      nextFromSeq: page.nextFromSeq,
    };
  }
}
