import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@parley/auth';
import { CallLinksModule } from './call-links/call-links.module.js';
import { CallLogModule } from './call-log/call-log.module.js';
import { AdminModule } from './admin/admin.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { ConversationSettingsModule } from './conversation-settings/conversation-settings.module.js';
import { ConversationsModule } from './conversations/conversations.module.js';
import { DeskModule } from './desk/desk.module.js';
import { GuestsModule } from './guests/guests.module.js';
import { IdentityModule } from './identity/identity.module.js';
import type { MessagingInfrastructure } from './infrastructure/infrastructure.js';
import { InfrastructureModule } from './infrastructure/infrastructure.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { PresenceModule } from './presence/presence.module.js';
import { ReactionsModule } from './reactions/reactions.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { ServerApiModule } from './server-api/server-api.module.js';
import { SearchModule } from './search/search.module.js';
import { SyncModule } from './sync/sync.module.js';
import { VoiceModule } from './voice/voice.module.js';

/** Every route is authenticated unless marked @Public(): the service kit installs the guard. */
@Module({})
export class AppModule {
  static forRoot(infra: MessagingInfrastructure): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.forRoot(infra),
        AuthModule.forRoot(infra.issuer.verifier()),
        IdentityModule,
        ConversationsModule,
        MessagesModule,
        ReactionsModule,
        AttachmentsModule,
        SyncModule,
        SearchModule,
        ConversationSettingsModule,
        PresenceModule,
        VoiceModule,
        RealtimeModule,
        OutboxModule,
        CallLogModule.forRoot(infra.bus),
        CallLinksModule,
        AdminModule,
        ServerApiModule,
        GuestsModule,
        DeskModule,
      ],
    };
  }
}
