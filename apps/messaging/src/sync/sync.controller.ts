import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { CurrentPrincipal, RequireScopes, Scopes, type Principal } from '@parley/auth';
import { CatchUpQuery, ConversationParams, RetransmitQuery } from '@parley/protocol';
import { parseInput } from '../errors/parse-input.js';
import { requireUser } from '../identity/principal.js';
import { SyncService } from './sync.service.js';

@Controller('v1/conversations/:conversationId')
export class SyncController {
  constructor(@Inject(SyncService) private readonly sync: SyncService) {}

  /** retransmitEvents(conversationId, fromSeq, toSeq) */
  @Get('events')
  @RequireScopes(Scopes.messagesRead)
  async retransmitEvents(
    @CurrentPrincipal() principal: Principal,
    @Param() params: unknown,
    @Query() query: unknown,
  ) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    const { fromSeq, toSeq } = parseInput(RetransmitQuery, query, 'query');
    return this.sync.retransmitEvents(requireUser(principal), conversationId, fromSeq, toSeq);
  }

  /** Where a device that was away should start: replay the gap, or reset to the latest page. */
  @Get('sync')
  @RequireScopes(Scopes.messagesRead)
  async catchUp(@CurrentPrincipal() principal: Principal, @Param() params: unknown, @Query() query: unknown) {
    const { conversationId } = parseInput(ConversationParams, params, 'params');
    const { sinceSeq } = parseInput(CatchUpQuery, query, 'query');
    return this.sync.catchUp(requireUser(principal), conversationId, sinceSeq);
  }
}
