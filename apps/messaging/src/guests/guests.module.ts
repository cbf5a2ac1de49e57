import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { GuestsController, SitesController } from './guests.controller.js';
import { GuestsRepository } from './guests.repository.js';
import { GuestsService } from './guests.service.js';

@Module({
  imports: [IdentityModule, ConversationsModule],
  controllers: [SitesController, GuestsController],
  providers: [GuestsRepository, GuestsService],
  exports: [GuestsService],
})
export class GuestsModule {}
