import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { PreSendHooksModule } from '../pre-send-hooks/pre-send-hooks.module.js';
import { ReactionStoreModule } from '../reactions/reaction-store.module.js';
import { DeliveryModule } from '../realtime/delivery.module.js';
import { MessagesController } from './messages.controller.js';
import { MessageStatsRepository, MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { SendBatchWriter } from './send-batch-writer.js';

@Module({
  imports: [
    AttachmentsModule,
    ConversationsModule,
    EventLogModule,
    DeliveryModule,
    ReactionStoreModule,
    PreSendHooksModule,
  ],
  controllers: [MessagesController],
  providers: [MessagesRepository, MessageStatsRepository, SendBatchWriter, MessagesService],
  exports: [MessagesService],
})
export class MessagesModule {}
