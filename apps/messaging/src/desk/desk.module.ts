import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { GuestsModule } from '../guests/guests.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { DeskConsumer } from './desk.consumer.js';
import { DeskController } from './desk.controller.js';
import { DeskRepository } from './desk.repository.js';
import { DeskService } from './desk.service.js';

/** The support desk; its consumer group and delayed job are declared in the app's one EventBusModule (CallLogModule). */
@Module({
  imports: [GuestsModule, ConversationsModule, MessagesModule],
  controllers: [DeskController],
  providers: [DeskRepository, DeskService, DeskConsumer],
})
export class DeskModule {}
