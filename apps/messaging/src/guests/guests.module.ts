import { Module } from '@nestjs/common';
import { CORS_ORIGIN_SOURCE } from '@parley/service-kit';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { GuestsController, SitesController } from './guests.controller.js';
import { GuestsRepository } from './guests.repository.js';
import { GuestsService } from './guests.service.js';
import { SiteOrigins } from './site-origins.js';

@Module({
  imports: [IdentityModule, ConversationsModule],
  controllers: [SitesController, GuestsController],
  // The sites' origins may call the API from the browser (the widget), without listing them in CORS_ORIGINS.
  providers: [
    GuestsRepository,
    GuestsService,
    SiteOrigins,
    { provide: CORS_ORIGIN_SOURCE, useExisting: SiteOrigins },
  ],
  exports: [GuestsService, CORS_ORIGIN_SOURCE],
})
export class GuestsModule {}
