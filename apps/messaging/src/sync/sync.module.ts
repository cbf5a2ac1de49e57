import { Module } from '@nestjs/common';
import { ConversationSettingsModule } from '../conversation-settings/conversation-settings.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { MeController } from './me.controller.js';
import { SyncController } from './sync.controller.js';
import { SyncService } from './sync.service.js';

@Module({
  imports: [ConversationsModule, MessagesModule, EventLogModule, IdentityModule, ConversationSettingsModule],
  controllers: [SyncController, MeController],
  providers: [SyncService],
})
export class SyncModule {}
