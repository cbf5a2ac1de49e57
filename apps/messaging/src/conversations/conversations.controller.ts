import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Res } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import {
  AddParticipantsRequest,
  ChannelDirectoryQuery,
  ChannelListing,
  Conversation,
  ConversationParams,
  CreateConversationRequest,
  ListConversationsQuery,
  ParticipantParams,
  UpdateConversationRequest,
  UpdateParticipantRequest,
} from '@parley/protocol';
import { CurrentUser, ZodBody, ZodParam, ZodQuery, ZodResponse } from '@parley/service-kit';
import type { Response } from 'express';
import { z } from 'zod';
import { ConversationsService } from './conversations.service.js';

type Of<S extends z.ZodType> = z.infer<S>;

@Controller('v1')
export class ConversationsController {
  constructor(@Inject(ConversationsService) private readonly conversations: ConversationsService) {}

  @Post('conversations')
  @RequireScopes(Scopes.conversationsManage)
  @ZodResponse(201, Conversation, 'created')
  @ZodResponse(200, Conversation, 'the existing distinct conversation with these participants')
  async create(
    @CurrentUser() userId: string,
    @ZodBody(CreateConversationRequest) body: Of<typeof CreateConversationRequest>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { conversation, created } = await this.conversations.create(userId, body);
    res.status(created ? 201 : 200);
    return conversation;
  }

  @Get('conversations')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, z.object({ conversations: z.array(Conversation) }))
  async list(
    @CurrentUser() userId: string,
    @ZodQuery(ListConversationsQuery) query: Of<typeof ListConversationsQuery>,
  ) {
    return { conversations: await this.conversations.listForUser(userId, query.type) };
  }

  @Get('channels')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, z.object({ channels: z.array(ChannelListing) }))
  async channels(
    @CurrentUser() userId: string,
    @ZodQuery(ChannelDirectoryQuery) query: Of<typeof ChannelDirectoryQuery>,
  ) {
    return { channels: await this.conversations.listChannels(userId, query.q, query.limit) };
  }

  @Get('conversations/:conversationId')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, Conversation)
  async get(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
  ) {
    return (await this.conversations.getForReader(userId, params.conversationId)).conversation;
  }

  @Patch('conversations/:conversationId')
  @RequireScopes(Scopes.conversationsManage)
  @ZodResponse(200, Conversation)
  async update(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodBody(UpdateConversationRequest) body: Of<typeof UpdateConversationRequest>,
  ) {
    return this.conversations.update(userId, params.conversationId, body);
  }

  @Post('conversations/:conversationId/participants')
  @RequireScopes(Scopes.conversationsManage)
  @ZodResponse(201, Conversation)
  async addParticipants(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodBody(AddParticipantsRequest) body: Of<typeof AddParticipantsRequest>,
  ) {
    return this.conversations.addParticipants(userId, params.conversationId, body);
  }

  @Patch('conversations/:conversationId/participants/:userId')
  @RequireScopes(Scopes.conversationsManage)
  async updateParticipant(
    @CurrentUser() userId: string,
    @ZodParam(ParticipantParams) params: Of<typeof ParticipantParams>,
    @ZodBody(UpdateParticipantRequest) body: Of<typeof UpdateParticipantRequest>,
  ) {
    return this.conversations.updateParticipant(
      userId,
      params.conversationId,
      params.userId,
      body.permissions,
    );
  }

  @Delete('conversations/:conversationId/participants/:userId')
  @HttpCode(204)
  @RequireScopes(Scopes.conversationsManage)
  @ZodResponse(204, undefined, 'removed')
  async removeParticipant(
    @CurrentUser() userId: string,
    @ZodParam(ParticipantParams) params: Of<typeof ParticipantParams>,
  ) {
    await this.conversations.removeParticipant(userId, params.conversationId, params.userId);
  }

  @Post('conversations/:conversationId/join')
  @HttpCode(200)
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(200, Conversation)
  async join(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
  ) {
    return this.conversations.join(userId, params.conversationId);
  }

  @Post('conversations/:conversationId/leave')
  @HttpCode(204)
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(204, undefined, 'left')
  async leave(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
  ) {
    await this.conversations.leave(userId, params.conversationId);
  }
}
