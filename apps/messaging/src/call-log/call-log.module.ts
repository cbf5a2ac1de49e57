import { Module, type DynamicModule } from '@nestjs/common';
import { ConsumerGroups, DelayedJobs, EventBusModule, Topics, type EventBus } from '@parley/event-bus';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { CallLogConsumer } from './call-log.consumer.js';
import { CallLogService } from './call-log.service.js';

/**
 * Calls in conversation history: consumes `call.ended.v1` (terminal-core) and `voice.call.ended.v1` (the voice
 * proxy) in the `messaging-call-log`
 * group. This is messaging's one EventBusModule: the app's other consumer groups are declared here too
 * (`messaging-call-links`, handled in CallLinksModule), since the module checks every @OnTopic handler of
 * the app against one declaration.
 */
@Module({})
export class CallLogModule {
  static forRoot(bus: EventBus): DynamicModule {
    return {
      module: CallLogModule,
      imports: [
        EventBusModule.forRoot({
          bus,
          consumerGroups: [
            {
              group: ConsumerGroups.messagingCallLog,
              topics: [Topics.callEnded, Topics.voiceCallEnded],
              concurrency: 4,
              attempts: 8,
            },
            {
              // Provider calls kept current as voip-link messages (CallLinksModule's consumer).
              group: ConsumerGroups.messagingCallLinks,
              topics: [Topics.providerCallUpdated],
              concurrency: 4,
              attempts: 8,
            },
            {
              // Visitors' conversations queued and passed between operators (DeskModule's consumer).
              group: ConsumerGroups.supportDesk,
              topics: [Topics.guestMessageSent, Topics.participantsRemoved],
              concurrency: 4,
              attempts: 8,
            },
          ],
          // The desk's accept timeout (DeskModule's consumer).
          delayedJobs: { names: [DelayedJobs.deskAssignmentTimeout], concurrency: 4 },
        }),
        IdentityModule,
        ConversationsModule,
        MessagesModule,
      ],
      providers: [CallLogService, CallLogConsumer],
      exports: [CallLogService],
    };
  }
}
