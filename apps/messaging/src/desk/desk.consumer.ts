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
import { DeskService } from './desk.service.js';

/**
 * The desk's bus work in the `support-desk` group: a visitor's first message queues their conversation,
 * an operator leaving passes it on, and an unaccepted assignment times out. Events of conversations that
 * are not desk conversations are ignored.
 */
@EventConsumer(ConsumerGroups.supportDesk)
@Injectable()
export class DeskConsumer {
  constructor(@Inject(DeskService) private readonly desk: DeskService) {}

  @OnTopic(Topics.guestMessageSent)
  async queueOnFirstMessage(event: BusEvent<'guest.message.sent.v1'>): Promise<void> {
    await this.desk.noticeMessage(event.payload.conversationId, event.payload.payload.message.senderId);
  }

  @OnTopic(Topics.participantsRemoved)
  async reassignWhenOperatorLeaves(event: BusEvent<'participants.removed.v1'>): Promise<void> {
    await this.desk.noticeRemoved(event.payload.conversationId, event.payload.payload.userIds);
  }

  @OnDelayedJob(DelayedJobs.deskAssignmentTimeout)
  async reassignUnaccepted(job: DelayedJob<'desk.assignment-timeout.v1'>): Promise<void> {
    await this.desk.acceptTimedOut(job.payload.conversationId, job.payload.assignment);
  }
}
