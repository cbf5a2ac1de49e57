import { Inject, Injectable } from '@nestjs/common';
import {
  ConsumerGroups,
  DelayedJobs,
  EventConsumer,
  OnDelayedJob,
  OnTopic,
  Topics,
  type BusEvent,
  type DelayedJob,
} from '@parley/event-bus';
import type { OutgoingWebhookSourceTopic } from './delivery-rules.js';
import { OutgoingWebhooksService } from './outgoing-webhooks.service.js';

/**
 * The `outgoing-webhooks` group (declared with the app's bus in AppModule): each event becomes the
 * deliveries of the endpoints subscribed to it. And `webhook.delivery.v1`: one attempt of one delivery.
 */
@Injectable()
@EventConsumer(ConsumerGroups.outgoingWebhooks)
export class OutgoingWebhooksConsumer {
  constructor(@Inject(OutgoingWebhooksService) private readonly webhooks: OutgoingWebhooksService) {}

  @OnTopic(Topics.messageSent)
  @OnTopic(Topics.messageEdited)
  @OnTopic(Topics.messageRemoved)
  @OnTopic(Topics.conversationCreated)
  @OnTopic(Topics.conversationUpdated)
  @OnTopic(Topics.participantsAdded)
  @OnTopic(Topics.participantsRemoved)
  @OnTopic(Topics.voiceCallEnded)
  @OnTopic(Topics.providerCallUpdated)
  async createDeliveries(event: BusEvent<OutgoingWebhookSourceTopic>): Promise<void> {
    await this.webhooks.fanOut(event);
  }

  @OnDelayedJob(DelayedJobs.webhookDelivery)
  async attemptDelivery(job: DelayedJob<typeof DelayedJobs.webhookDelivery>): Promise<void> {
    await this.webhooks.runDeliveryJob(job);
  }
}
