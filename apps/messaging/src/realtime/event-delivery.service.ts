import { Inject, Injectable } from '@nestjs/common';
import type { RealtimeFanout } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import type { ServerFrame, TypingSignal } from '@parley/protocol';
import type { CommittedEvent } from '../event-log/event-appender.js';
import { isRedisUnavailable } from '../infrastructure/redis-failures.js';
import { LOGGER, REALTIME_FANOUT } from '../infrastructure/tokens.js';
import { encodeFrameToUsers, FRAMES_TO_USERS_CHANNEL } from './frames-to-users.js';

/**
 * Live delivery is at-most-once: if Redis is down the events are still committed, and devices repair the
 * gap from their seq with retransmitEvents. So a failed publish is logged, never thrown to the sender.
 *
 * Each frame is serialised once and published once, with its recipients, to every messaging node; each
 * node writes it to the devices of those recipients that it holds (see frames-to-users.ts).
 */
@Injectable()
export class EventDeliveryService {
  constructor(
    @Inject(REALTIME_FANOUT) private readonly fanout: RealtimeFanout,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async deliver(committed: CommittedEvent[]): Promise<void> {
    try {
      const items = committed.flatMap(({ event, recipients }) => {
        if (recipients.length === 0) return [];
        const frame: ServerFrame = { type: 'event', event };
        const message = encodeFrameToUsers(recipients, JSON.stringify(frame));
        return [{ channel: FRAMES_TO_USERS_CHANNEL, message }];
      });
      await this.fanout.publishMany(items);
    } catch (err) {
      this.logger.warn(
        { err, events: committed.map((c) => c.event.id) },
        'live delivery failed; devices will catch up by seq',
      );
    }
  }

  /** Ephemeral: not retried; rejects only when Redis is unreachable, so the sender can be told to retry. */
  async deliverTyping(signal: TypingSignal, recipients: string[]): Promise<void> {
    if (recipients.length === 0) return;
    const frame: ServerFrame = { type: 'typing', ...signal };
    try {
      const message = encodeFrameToUsers(recipients, JSON.stringify(frame));
      await this.fanout.publish(FRAMES_TO_USERS_CHANNEL, message);
    } catch (err) {
      // Told to the sender (503 / an error frame `realtime_unavailable`), who may signal again later.
      if (isRedisUnavailable(err)) throw err;
      this.logger.debug({ err }, 'typing signal dropped');
    }
  }
}
