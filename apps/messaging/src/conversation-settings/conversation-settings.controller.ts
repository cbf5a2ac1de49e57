import { Controller, Inject, Patch } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import {
  ConversationParams,
  ConversationSettingsResponse,
  UpdateConversationSettingsRequest,
} from '@parley/protocol';
import { CurrentUser, ZodBody, ZodParam, ZodResponse } from '@parley/service-kit';
import type { z } from 'zod';
import { ConversationSettingsService } from './conversation-settings.service.js';

@Controller('v1')
export class ConversationSettingsController {
  constructor(@Inject(ConversationSettingsService) private readonly settings: ConversationSettingsService) {}

  /** The caller's own pinned / muted setting of a conversation they are in. */
  @Patch('conversations/:conversationId/settings')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, ConversationSettingsResponse)
  async update(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: z.infer<typeof ConversationParams>,
    @ZodBody(UpdateConversationSettingsRequest) body: UpdateConversationSettingsRequest,
  ) {
    return this.settings.update(userId, params.conversationId, body);
  }
}
