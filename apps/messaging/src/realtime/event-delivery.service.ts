import { Inject, Injectable } from '@nestjs/common';
import type { RealtimeFanout } from '@parley/event-bus';
import type { Logger } from '@parley/logger';
import type { ServerFrame, TypingSignal } from '@parley/protocol';
import type { CommittedEvent } from '../event-log/event-appender.js';
import { LOGGER, REALTIME_FANOUT } from '../infrastructure/tokens.js';
import { userChannel } from './channels.js';

/**
 * Live delivery is at-most-once: if Redis is down the events are still committed, and devices repair the
 * gap from their seq with retransmitEvents. So a failed publish is logged, never thrown to the sender.
 */
@Injectable()
export class EventDeliveryService {
  constructor(
    @Inject(REALTIME_FANOUT) private readonly fanout: RealtimeFanout,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async deliver(committed: CommittedEvent[]): Promise<void> {
    const items = committed.flatMap(({ event, recipients }) => {
      const frame: ServerFrame = { type: 'event', event };
      const message = JSON.stringify(frame);
      return recipients.map((userId) => ({ channel: userChannel(userId), message }));
    });
    if (items.length === 0) return;
    try {
      await this.fanout.publishMany(items);
    } catch (err) {
      this.logger.warn(
        { err, events: committed.map((c) => c.event.id) },
        'live delivery failed; devices will catch up by seq',
      );
    }
  }

  async deliverTyping(signal: TypingSignal, recipients: string[]): Promise<void> {
    const frame: ServerFrame = { type: 'typing', ...signal };
    const message = JSON.stringify(frame);
    try {
      await this.fanout.publishMany(recipients.map((userId) => ({ channel: userChannel(userId), message })));
    } catch (err) {
      this.logger.debug({ err }, 'typing signal dropped');
    }
  }
}
