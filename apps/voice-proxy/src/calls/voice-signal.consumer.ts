import { Inject, Injectable } from '@nestjs/common';
import {
  ConsumerGroups,
  EventConsumer,
  OnDelayedJob,
  OnTopic,
  Topics,
  DelayedJobs,
  type BusEvent,
  type DelayedJob,
} from '@parley/event-bus';
import { CallCoordinator } from './call-coordinator.js';

/**
 * The consumer group every replica of the proxy shares: each signal is handled by one of them, and a signal
 * published while none runs waits in Redis for the next one. A handler that throws is retried with backoff.
 */
@EventConsumer(ConsumerGroups.voiceProxy)
@Injectable()
export class VoiceSignalConsumer {
  constructor(@Inject(CallCoordinator) private readonly coordinator: CallCoordinator) {}

  /** Payloads arrive parsed with the protocol's VoiceSignalEvent schema (the bus refuses any other). */
  @OnTopic(Topics.voiceSignal)
  async routeVoiceSignal(event: BusEvent<'voice.signal.v1'>): Promise<void> {
    await this.coordinator.routeSignal(event.payload);
  }

  @OnDelayedJob(DelayedJobs.voiceRingTimeout)
  async giveUpRinging(job: DelayedJob<'voice.ring-timeout.v1'>): Promise<void> {
    await this.coordinator.onRingTimeout(job.payload.callId, job.payload.attempt);
  }
}
