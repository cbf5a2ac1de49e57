import { EventBus, Topics } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import type { CallEndedEvent } from '@parley/protocol';
import { callEndedEventId, callEndedFact, type FinishedCall } from './call-ended-fact.js';

/** Where the core reports finished calls. */
export interface CallHistorySink {
  callEnded(call: FinishedCall): Promise<void>;
}

/** At most this many facts go out in one publish. */
const MAX_BATCH = 256;

/**
 * Publishes `call.ended.v1` on the event bus (messaging logs it in the two users' conversation). A publish
 * that fails is logged and not retried: the call itself is over either way, and Redis being away also stops
 * the core's routing, so a lost entry goes with an outage the operators see anyway.
 *
 * Calls that end together are published together: a publish reads the topic's groups before it writes,
 * so one publish per call was a large part of a call's cost on a busy node.
 */
export class BusCallHistory implements CallHistorySink {
  private pending: Array<{ fact: CallEndedEvent; callId: string; done: () => void }> = [];

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  callEnded(call: FinishedCall): Promise<void> {
    const fact = callEndedFact(call);
    if (!fact) return Promise.resolve();
    return new Promise((resolve) => {
      // The calls that end in this turn of the event loop are published as one batch.
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ fact, callId: call.id, done: resolve });
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        await this.publish(batch);
      } finally {
        for (const entry of batch) entry.done();
      }
    }
  }

  private async publish(batch: Array<{ fact: CallEndedEvent; callId: string }>): Promise<void> {
    const event = ({ fact, callId }: { fact: CallEndedEvent; callId: string }) => ({
      topic: Topics.callEnded,
      id: callEndedEventId(callId),
      payload: fact,
      occurredAt: fact.endedAt,
    });
    try {
      await this.bus.publishMany(batch.map(event));
      return;
    } catch (err) {
      if (batch.length === 1) {
        this.logger.warn({ err, callId: batch[0]!.callId }, 'could not publish call.ended');
        return;
      }
    }
    // A batch is refused as a whole: one at a time, so one bad fact does not lose the others.
    for (const entry of batch) {
      try {
        await this.bus.publishMany([event(entry)]);
      } catch (err) {
        this.logger.warn({ err, callId: entry.callId }, 'could not publish call.ended');
      }
    }
  }
}
