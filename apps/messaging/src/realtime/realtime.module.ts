import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { RealtimeGateway } from './realtime.gateway.js';

@Module({
  imports: [MessagesModule, PresenceModule],
  providers: [RealtimeGateway],
  exports: [RealtimeGateway],
})
export class RealtimeModule {}
