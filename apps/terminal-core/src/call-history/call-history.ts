import { EventBus, Topics } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import { callEndedEventId, callEndedFact, type FinishedCall } from './call-ended-fact.js';

/** Where the core reports finished calls. */
export interface CallHistorySink {
  callEnded(call: FinishedCall): Promise<void>;
}

/**
 * Publishes `call.ended.v1` on the event bus (messaging logs it in the two users' conversation). A publish
 * that fails is logged and not retried: the call itself is over either way, and Redis being away also stops
 * the core's routing, so a lost entry goes with an outage the operators see anyway.
 */
export class BusCallHistory implements CallHistorySink {
  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async callEnded(call: FinishedCall): Promise<void> {
    const fact = callEndedFact(call);
    if (!fact) return;
    try {
      await this.bus.publish(Topics.callEnded, {
        id: callEndedEventId(call.id),
        payload: fact,
        occurredAt: fact.endedAt,
      });
    } catch (err) {
      this.logger.warn({ err, callId: call.id }, 'could not publish call.ended');
    }
  }
}
