import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import {
  DeskConversation,
  DeskConversationParams,
  DeskConversationResponse,
  DeskQueue,
  DeskTransferRequest,
} from '@parley/protocol';
import { CurrentUser, ZodBody, ZodParam, ZodResponse } from '@parley/service-kit';
import { DeskService } from './desk.service.js';

@Controller('v1/desk')
export class DeskController {
  constructor(@Inject(DeskService) private readonly desk: DeskService) {}

  /** A guest's one support conversation, made on the first call. */
  @Post('conversation')
  @HttpCode(200)
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(200, DeskConversationResponse)
  async conversation(@CurrentUser() guestId: string) {
    return { conversation: await this.desk.conversationOf(guestId) };
  }

  @Get('queue')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, DeskQueue, 'waiting conversations and the caller’s own (operators only)')
  async queue(@CurrentUser() operatorId: string) {
    return this.desk.queue(operatorId);
  }

  @Post('conversations/:id/accept')
  @HttpCode(200)
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(200, DeskConversation)
  async accept(
    @CurrentUser() operatorId: string,
    @ZodParam(DeskConversationParams) params: DeskConversationParams,
  ) {
    return this.desk.accept(operatorId, params.id);
  }

  @Post('conversations/:id/close')
  @HttpCode(200)
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(200, DeskConversation)
  async close(
    @CurrentUser() operatorId: string,
    @ZodParam(DeskConversationParams) params: DeskConversationParams,
  ) {
    return this.desk.close(operatorId, params.id);
  }

  @Post('conversations/:id/transfer')
  @HttpCode(200)
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(200, DeskConversation)
  async transfer(
    @CurrentUser() operatorId: string,
    @ZodParam(DeskConversationParams) params: DeskConversationParams,
    @ZodBody(DeskTransferRequest) body: DeskTransferRequest,
  ) {
    return this.desk.transfer(operatorId, params.id, body.toOperatorId);
  }
}
