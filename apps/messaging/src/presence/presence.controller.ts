import { Controller, Get, Inject } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import { PresenceQuery, PresenceResponse } from '@parley/protocol';
import { CurrentUser, ZodQuery, ZodResponse } from '@parley/service-kit';
import { PresenceService } from './presence.service.js';

@Controller('v1')
export class PresenceController {
  constructor(@Inject(PresenceService) private readonly presence: PresenceService) {}

  /** Status and last seen of up to 100 users; users who share no conversation with the caller are left out. */
  @Get('presence')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, PresenceResponse)
  async read(@CurrentUser() userId: string, @ZodQuery(PresenceQuery) query: PresenceQuery) {
    return { presence: await this.presence.read(userId, query.userIds) };
  }
}
