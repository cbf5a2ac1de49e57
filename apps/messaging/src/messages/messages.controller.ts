import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Res } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import {
  ConversationParams,
  EditMessageRequest,
  HistoryQuery,
  HistoryResponse,
  MarkAsReadRequest,
  Message,
  MessageParams,
  SendMessageRequest,
  TypingRequest,
} from '@parley/protocol';
import { CurrentUser, ZodBody, ZodParam, ZodQuery, ZodResponse } from '@parley/service-kit';
import type { Response } from 'express';
import type { z } from 'zod';
import { MessagesService } from './messages.service.js';

type Of<S extends z.ZodType> = z.infer<S>;

@Controller('v1/conversations/:conversationId')
export class MessagesController {
  constructor(@Inject(MessagesService) private readonly messages: MessagesService) {}

  @Post('messages')
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(201, Message, 'stored, with the next seq')
  @ZodResponse(200, Message, 'a retried send: the message the first attempt stored')
  async send(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodBody(SendMessageRequest) body: Of<typeof SendMessageRequest>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { message, created } = await this.messages.send(userId, params.conversationId, body);
    res.status(created ? 201 : 200);
    return message;
  }

  @Get('messages')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, HistoryResponse)
  async history(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodQuery(HistoryQuery) query: Of<typeof HistoryQuery>,
  ) {
    return this.messages.history(userId, params.conversationId, query.before, query.limit);
  }

  @Patch('messages/:messageId')
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(200, Message)
  async edit(
    @CurrentUser() userId: string,
    @ZodParam(MessageParams) params: Of<typeof MessageParams>,
    @ZodBody(EditMessageRequest) body: Of<typeof EditMessageRequest>,
  ) {
    return this.messages.edit(userId, params.conversationId, params.messageId, body);
  }

  @Delete('messages/:messageId')
  @HttpCode(204)
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(204, undefined, 'removed')
  async remove(@CurrentUser() userId: string, @ZodParam(MessageParams) params: Of<typeof MessageParams>) {
    await this.messages.remove(userId, params.conversationId, params.messageId);
  }

  @Post('read')
  @HttpCode(200)
  @RequireScopes(Scopes.messagesRead)
  async markAsRead(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodBody(MarkAsReadRequest) body: Of<typeof MarkAsReadRequest>,
  ) {
    return this.messages.markAsRead(userId, params.conversationId, body.seq);
  }

  @Post('typing')
  @HttpCode(204)
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(204, undefined, 'signalled to the other participants')
  async typing(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodBody(TypingRequest) body: Of<typeof TypingRequest>,
  ) {
    await this.messages.typing(userId, params.conversationId, body.active);
  }
}
