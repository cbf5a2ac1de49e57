import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { ReactionStoreModule } from './reaction-store.module.js';
import { ReactionsController } from './reactions.controller.js';
import { ReactionsService } from './reactions.service.js';

@Module({
  imports: [ReactionStoreModule, MessagesModule, ConversationsModule, EventLogModule],
  controllers: [ReactionsController],
  providers: [ReactionsService],
})
export class ReactionsModule {}
