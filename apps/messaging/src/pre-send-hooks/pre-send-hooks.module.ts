import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { PreSendHooksController } from './pre-send-hooks.controller.js';
import { PreSendHooksRepository } from './pre-send-hooks.repository.js';
import { PreSendHooksService } from './pre-send-hooks.service.js';
import { RejectedByHookInterceptor } from './rejected-by-hook.interceptor.js';

@Module({
  imports: [ConversationsModule],
  controllers: [PreSendHooksController],
  providers: [
    PreSendHooksRepository,
    PreSendHooksService,
    { provide: APP_INTERCEPTOR, useClass: RejectedByHookInterceptor },
  ],
  exports: [PreSendHooksService],
})
export class PreSendHooksModule {}
