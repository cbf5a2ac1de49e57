import { Module } from '@nestjs/common';
import { ReactionStore } from './reaction-store.js';

/**
 * Owns the reactions table. Separate from ReactionsModule so messages can show reactions in history
 * while reactions check messages through MessagesService, with no import cycle between the two.
 */
@Module({ providers: [ReactionStore], exports: [ReactionStore] })
export class ReactionStoreModule {}
