import { Module } from '@nestjs/common';
import { ConversationSettingsController } from './conversation-settings.controller.js';
import { ConversationSettingsRepository } from './conversation-settings.repository.js';
import { ConversationSettingsService } from './conversation-settings.service.js';

@Module({
  controllers: [ConversationSettingsController],
  providers: [ConversationSettingsRepository, ConversationSettingsService],
  exports: [ConversationSettingsService],
})
export class ConversationSettingsModule {}
