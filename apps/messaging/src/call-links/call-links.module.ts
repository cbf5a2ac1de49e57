import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { CallLinksConsumer } from './call-links.consumer.js';
import { CallLinksService } from './call-links.service.js';

/**
 * Provider calls as live voip-link messages: consumes `provider.call.updated.v1` in the
 * `messaging-call-links` group (declared with the app's other groups in CallLogModule's EventBusModule).
 */
@Module({
  imports: [ConversationsModule, MessagesModule],
  providers: [CallLinksService, CallLinksConsumer],
  exports: [CallLinksService],
})
export class CallLinksModule {}
