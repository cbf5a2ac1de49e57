import { Controller, Get, Inject } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import { MeResponse } from '@parley/protocol';
import { CurrentUser, ZodResponse } from '@parley/service-kit';
import { SyncService } from './sync.service.js';

@Controller('v1')
export class MeController {
  constructor(@Inject(SyncService) private readonly sync: SyncService) {}

  /** The seed's getUser: the user and each conversation's lastSeq, lastReadSeq and unread count. */
  @Get('me')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, MeResponse)
  async me(@CurrentUser() userId: string) {
    return this.sync.getUser(userId);
  }
}
