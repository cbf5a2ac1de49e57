import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Res } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import {
  AddParticipantsRequest,
  Conversation,
  ConversationParams,
  Message,
  ParticipantParams,
  RetransmitQuery,
  RetransmitResponse,
  ServerCreateConversationRequest,
  ServerPostMessageRequest,
  UpdateConversationRequest,
} from '@parley/protocol';
import { ZodBody, ZodParam, ZodQuery, ZodResponse } from '@parley/service-kit';
import type { Response } from 'express';
import type { z } from 'zod';
import { CurrentClient } from './current-client.js';
import { ServerApiService } from './server-api.service.js';

type Of<S extends z.ZodType> = z.infer<S>;

/** The server API: customers' backends (machine clients only) acting on conversations; scopes decide. */
@Controller('v1/server/conversations')
export class ServerApiController {
  constructor(@Inject(ServerApiService) private readonly serverApi: ServerApiService) {}

  @Post()
  @RequireScopes(Scopes.serverConversations)
  @ZodResponse(201, Conversation, 'created; the first participant is its creator')
  @ZodResponse(200, Conversation, 'the existing distinct conversation with these participants')
  async create(
    @CurrentClient() clientId: string,
    @ZodBody(ServerCreateConversationRequest) body: Of<typeof ServerCreateConversationRequest>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { conversation, created } = await this.serverApi.createConversation(clientId, body);
    res.status(created ? 201 : 200);
    return conversation;
  }

  @Patch(':conversationId')
  @RequireScopes(Scopes.serverConversations)
  @ZodResponse(200, Conversation)
  async update(
    @CurrentClient() clientId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodBody(UpdateConversationRequest) body: Of<typeof UpdateConversationRequest>,
  ) {
    return this.serverApi.updateConversation(clientId, params.conversationId, body);
  }

  @Post(':conversationId/participants')
  @HttpCode(200)
  @RequireScopes(Scopes.serverConversations)
  @ZodResponse(200, Conversation, 'the conversation with its participants now')
  async addParticipants(
    @CurrentClient() clientId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodBody(AddParticipantsRequest) body: Of<typeof AddParticipantsRequest>,
  ) {
    return this.serverApi.addParticipants(clientId, params.conversationId, body);
  }

  @Delete(':conversationId/participants/:userId')
  @HttpCode(204)
  @RequireScopes(Scopes.serverConversations)
  @ZodResponse(204, undefined, 'removed')
  async removeParticipant(
    @CurrentClient() clientId: string,
    @ZodParam(ParticipantParams) params: Of<typeof ParticipantParams>,
  ) {
    await this.serverApi.removeParticipant(clientId, params.conversationId, params.userId);
  }

  @Post(':conversationId/messages')
  @RequireScopes(Scopes.serverMessages)
  @ZodResponse(201, Message, 'posted as the bot, with the next seq')
  @ZodResponse(200, Message, 'a retried post: the message the first attempt stored')
  async postMessage(
    @CurrentClient() clientId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodBody(ServerPostMessageRequest) body: Of<typeof ServerPostMessageRequest>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { message, created } = await this.serverApi.postMessage(clientId, params.conversationId, body);
    res.status(created ? 201 : 200);
    return message;
  }

  @Get(':conversationId/events')
  @RequireScopes(Scopes.serverEventsRead)
  @ZodResponse(200, RetransmitResponse, 'a page of the event log by seq, as the user route pages it')
  async events(
    @CurrentClient() _clientId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodQuery(RetransmitQuery) query: Of<typeof RetransmitQuery>,
  ) {
    return this.serverApi.events(params.conversationId, query.fromSeq, query.toSeq);
  }
}
