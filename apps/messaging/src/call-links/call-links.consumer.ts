import { Inject, Injectable } from '@nestjs/common';
import { ConsumerGroups, EventConsumer, OnTopic, Topics, type BusEvent } from '@parley/event-bus';
import { CallLinksService } from './call-links.service.js';

/** The gateway's provider calls, written into their conversations (retried with backoff by the bus). */
@EventConsumer(ConsumerGroups.messagingCallLinks)
@Injectable()
export class CallLinksConsumer {
  constructor(@Inject(CallLinksService) private readonly callLinks: CallLinksService) {}

  @OnTopic(Topics.providerCallUpdated)
  async writeCallLink(event: BusEvent<'provider.call.updated.v1'>): Promise<void> {
    await this.callLinks.applyCallUpdate(event.payload);
  }
}
