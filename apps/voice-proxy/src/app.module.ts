import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, type TokenVerifier } from '@parley/auth';
import { ConsumerGroups, DelayedJobs, EventBusModule, Topics, type EventBus } from '@parley/event-bus';
import { CallCoordinator } from './calls/call-coordinator.js';
import { VoiceSignalConsumer } from './calls/voice-signal.consumer.js';
import { SupportController } from './support/support.controller.js';
import { SupportService } from './support/support.service.js';

export interface AppParts {
  verifier: TokenVerifier;
  bus: EventBus;
  coordinator: CallCoordinator;
  support: SupportService;
}

/**
 * The proxy's HTTP routes and its bus handlers. The parts (coordinator, queue, clients) are built in
 * bootstrap/create-app.ts (see docs/adr/0002-service-composition.md); Nest only routes to them.
 */
@Module({})
export class AppModule {
  static forRoot(parts: AppParts): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AuthModule.forRoot(parts.verifier),
        EventBusModule.forRoot({
          bus: parts.bus,
          consumerGroups: [
            {
              group: ConsumerGroups.voiceProxy,
              topics: [Topics.voiceSignal],
              concurrency: 4,
              attempts: 10,
              backoffDelayMs: 500,
            },
          ],
          delayedJobs: { names: [DelayedJobs.voiceRingTimeout], concurrency: 4 },
        }),
      ],
      controllers: [SupportController],
      providers: [
        { provide: CallCoordinator, useValue: parts.coordinator },
        { provide: SupportService, useValue: parts.support },
        VoiceSignalConsumer,
      ],
    };
  }
}
