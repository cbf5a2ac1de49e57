import { Inject, Injectable } from '@nestjs/common';
import { ConsumerGroups, EventConsumer, OnTopic, Topics, type BusEvent } from '@parley/event-bus';
import { CallLogService } from './call-log.service.js';

/**
 * Calls that ended, logged in conversations (retried with backoff by the bus): terminal-core's `call.ended.v1`
 * and the voice proxy's `voice.call.ended.v1`.
 */
@EventConsumer(ConsumerGroups.messagingCallLog)
@Injectable()
export class CallLogConsumer {
  constructor(@Inject(CallLogService) private readonly callLog: CallLogService) {}

  @OnTopic(Topics.callEnded)
  async logEndedCall(event: BusEvent<'call.ended.v1'>): Promise<void> {
    await this.callLog.logEndedCall(event.payload);
  }

  @OnTopic(Topics.voiceCallEnded)
  async logVoiceCall(event: BusEvent<'voice.call.ended.v1'>): Promise<void> {
    await this.callLog.logVoiceCall(event.payload);
  }
}
