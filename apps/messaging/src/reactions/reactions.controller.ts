import { Controller, Delete, HttpCode, Inject, Put } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import { MessageReactions, ReactionParams } from '@parley/protocol';
import { CurrentUser, ZodParam, ZodResponse } from '@parley/service-kit';
import type { z } from 'zod';
import { ReactionsService } from './reactions.service.js';

type Params = z.infer<typeof ReactionParams>;

/** The emoji is a path segment (URL-encoded): PUT adds this user's reaction, DELETE takes it back. */
@Controller('v1/conversations/:conversationId/messages/:messageId/reactions')
export class ReactionsController {
  constructor(@Inject(ReactionsService) private readonly reactions: ReactionsService) {}

  @Put(':emoji')
  @HttpCode(200)
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(200, MessageReactions, "the message's reactions afterwards (unchanged if already there)")
  async add(@CurrentUser() userId: string, @ZodParam(ReactionParams) params: Params) {
    return this.reactions.add(userId, params.conversationId, params.messageId, params.emoji);
  }

  @Delete(':emoji')
  @HttpCode(200)
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(200, MessageReactions, "the message's reactions afterwards (unchanged if not there)")
  async remove(@CurrentUser() userId: string, @ZodParam(ReactionParams) params: Params) {
    return this.reactions.remove(userId, params.conversationId, params.messageId, params.emoji);
  }
}
