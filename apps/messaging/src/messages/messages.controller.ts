import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { CurrentPrincipal, RequireScopes, Scopes, type Principal } from '@parley/auth';
import {
  ConversationParams,
  EditMessageRequest,
  HistoryQuery,
  MarkAsReadRequest,
  MessageParams,
  SendMessageRequest,
  TypingRequest,
} from '@parley/protocol';
import type { Response } from 'express';
import { parseInput } from '../errors/parse-input.js';
import { requireUser } from '../identity/principal.js';
import { MessagesService } from './messages.service.js';

@Controller('v1/conversations/:conversationId')
export class MessagesController {
  constructor(@Inject(MessagesService) private readonly messages: MessagesService) {}

  @Post('messages')
  @RequireScopes(Scopes.messagesWrite)
  async send(
    @CurrentPrincipal() principal: Principal,
    @Param() params: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    const req = parseInput(SendMessageRequest, body, 'body');
    const { message, created } = await this.messages.send(requireUser(principal), conversationId, req);
    // A retried send answers 200 with the message the first attempt created.
    res.status(created ? 201 : 200);
    return message;
  }

  @Get('messages')
  @RequireScopes(Scopes.messagesRead)
  async history(@CurrentPrincipal() principal: Principal, @Param() params: unknown, @Query() query: unknown) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    const { before, limit } = parseInput(HistoryQuery, query, 'query');
    return this.messages.history(requireUser(principal), conversationId, before, limit);
  }

  @Patch('messages/:messageId')
  @RequireScopes(Scopes.messagesWrite)
  async edit(@CurrentPrincipal() principal: Principal, @Param() params: unknown, @Body() body: unknown) {
    const { conversationId, messageId } = parseInput(MessageParams, params, 'params');
    return this.messages.edit(
      requireUser(principal),
      conversationId,
      messageId,
      parseInput(EditMessageRequest, body, 'body'),
    );
  }

  @Delete('messages/:messageId')
  @HttpCode(204)
  @RequireScopes(Scopes.messagesWrite)
  async remove(@CurrentPrincipal() principal: Principal, @Param() params: unknown) {
    const { conversationId, messageId } = parseInput(MessageParams, params, 'params');
    await this.messages.remove(requireUser(principal), conversationId, messageId);
  }

  @Post('read')
  @HttpCode(200)
  @RequireScopes(Scopes.messagesRead)
  async markAsRead(
    @CurrentPrincipal() principal: Principal,
    @Param() params: unknown,
    @Body() body: unknown,
  ) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    const { seq } = parseInput(MarkAsReadRequest, body, 'body');
    return this.messages.markAsRead(requireUser(principal), conversationId, seq);
  }

  @Post('typing')
  @HttpCode(204)
  @RequireScopes(Scopes.messagesWrite)
  async typing(@CurrentPrincipal() principal: Principal, @Param() params: unknown, @Body() body: unknown) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    const { active } = parseInput(TypingRequest, body ?? {}, 'body');
    await this.messages.typing(requireUser(principal), conversationId, active);
  }
}
