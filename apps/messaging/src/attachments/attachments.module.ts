import { Module } from '@nestjs/common';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsRepository } from './attachments.repository.js';
import { AttachmentsService } from './attachments.service.js';
import { ATTACHMENT_STORAGE } from './storage/attachment-storage.js';
import { openAttachmentStorage } from './storage/open-storage.js';

@Module({
  imports: [ConversationsModule],
  controllers: [AttachmentsController],
  providers: [
    {
      provide: ATTACHMENT_STORAGE,
      inject: [MESSAGING_CONFIG],
      useFactory: async (config: MessagingConfig) => {
        const storage = openAttachmentStorage(config.attachments.storage);
        await storage.check();
        return storage;
      },
    },
    AttachmentsRepository,
    AttachmentsService,
  ],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
