import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { ServerApiController } from './server-api.controller.js';
import { ServerApiService } from './server-api.service.js';

@Module({
  imports: [ConversationsModule, MessagesModule, EventLogModule, IdentityModule],
  controllers: [ServerApiController],
  providers: [ServerApiService],
})
export class ServerApiModule {}
