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
  AddParticipantsRequest,
  ChannelDirectoryQuery,
  ConversationParams,
  CreateConversationRequest,
  ListConversationsQuery,
  ParticipantParams,
  UpdateConversationRequest,
  UpdateParticipantRequest,
} from '@parley/protocol';
import type { Response } from 'express';
import { parseInput } from '../errors/parse-input.js';
import { requireUser } from '../identity/principal.js';
import { ConversationsService } from './conversations.service.js';

@Controller('v1')
export class ConversationsController {
  constructor(@Inject(ConversationsService) private readonly conversations: ConversationsService) {}

  @Post('conversations')
  @RequireScopes(Scopes.conversationsManage)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const req = parseInput(CreateConversationRequest, body, 'body');
    const { conversation, created } = await this.conversations.create(requireUser(principal), req);
    res.status(created ? 201 : 200);
    return conversation;
  }

  @Get('conversations')
  @RequireScopes(Scopes.messagesRead)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const { type } = parseInput(ListConversationsQuery, query, 'query');
    return { conversations: await this.conversations.listForUser(requireUser(principal), type) };
  }

  @Get('channels')
  @RequireScopes(Scopes.messagesRead)
  async channels(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const { q, limit } = parseInput(ChannelDirectoryQuery, query, 'query');
    return { channels: await this.conversations.listChannels(requireUser(principal), q, limit) };
  }

  @Get('conversations/:conversationId')
  @RequireScopes(Scopes.messagesRead)
  async get(@CurrentPrincipal() principal: Principal, @Param() params: unknown) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    return (await this.conversations.getForReader(requireUser(principal), conversationId)).conversation;
  }

  @Patch('conversations/:conversationId')
  @RequireScopes(Scopes.conversationsManage)
  async update(@CurrentPrincipal() principal: Principal, @Param() params: unknown, @Body() body: unknown) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    return this.conversations.update(
      requireUser(principal),
      conversationId,
      parseInput(UpdateConversationRequest, body, 'body'),
    );
  }

  @Post('conversations/:conversationId/participants')
  @RequireScopes(Scopes.conversationsManage)
  async addParticipants(
    @CurrentPrincipal() principal: Principal,
    @Param() params: unknown,
    @Body() body: unknown,
  ) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    return this.conversations.addParticipants(
      requireUser(principal),
      conversationId,
      parseInput(AddParticipantsRequest, body, 'body'),
    );
  }

  @Patch('conversations/:conversationId/participants/:userId')
  @RequireScopes(Scopes.conversationsManage)
  async updateParticipant(
    @CurrentPrincipal() principal: Principal,
    @Param() params: unknown,
    @Body() body: unknown,
  ) {
    const { conversationId, userId } = parseInput(ParticipantParams, params, 'params');
    const { permissions } = parseInput(UpdateParticipantRequest, body, 'body');
    return this.conversations.updateParticipant(requireUser(principal), conversationId, userId, permissions);
  }

  @Delete('conversations/:conversationId/participants/:userId')
  @HttpCode(204)
  @RequireScopes(Scopes.conversationsManage)
  async removeParticipant(@CurrentPrincipal() principal: Principal, @Param() params: unknown) {
    const { conversationId, userId } = parseInput(ParticipantParams, params, 'params');
    await this.conversations.removeParticipant(requireUser(principal), conversationId, userId);
  }

  @Post('conversations/:conversationId/join')
  @HttpCode(200)
  @RequireScopes(Scopes.messagesWrite)
  async join(@CurrentPrincipal() principal: Principal, @Param() params: unknown) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    return this.conversations.join(requireUser(principal), conversationId);
  }

  @Post('conversations/:conversationId/leave')
  @HttpCode(204)
  @RequireScopes(Scopes.messagesWrite)
  async leave(@CurrentPrincipal() principal: Principal, @Param() params: unknown) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    await this.conversations.leave(requireUser(principal), conversationId);
  }
}
