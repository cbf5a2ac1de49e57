import { Controller, Get, Inject } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import {
  CatchUpQuery,
  CatchUpResponse,
  ConversationParams,
  RetransmitQuery,
  RetransmitResponse,
} from '@parley/protocol';
import { CurrentUser, ZodParam, ZodQuery, ZodResponse } from '@parley/service-kit';
import type { z } from 'zod';
import { SyncService } from './sync.service.js';

type Of<S extends z.ZodType> = z.infer<S>;

@Controller('v1/conversations/:conversationId')
export class SyncController {
  constructor(@Inject(SyncService) private readonly sync: SyncService) {}

  /** retransmitEvents(conversationId, fromSeq, toSeq) */
  @Get('events')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, RetransmitResponse)
  async retransmitEvents(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodQuery(RetransmitQuery) query: Of<typeof RetransmitQuery>,
  ) {
    return this.sync.retransmitEvents(userId, params.conversationId, query.fromSeq, query.toSeq);
  }

  /** Where a device that was away should start: replay the gap, or reset to the latest page. */
  @Get('sync')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, CatchUpResponse)
  async catchUp(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodQuery(CatchUpQuery) query: Of<typeof CatchUpQuery>,
  ) {
    return this.sync.catchUp(userId, params.conversationId, query.sinceSeq);
  }
}
