import { Controller, Get, Inject } from '@nestjs/common';
import { CurrentPrincipal, RequireScopes, Scopes, type Principal } from '@parley/auth';
import { requireUser } from '../identity/principal.js';
import { SyncService } from './sync.service.js';

@Controller('v1')
export class MeController {
  constructor(@Inject(SyncService) private readonly sync: SyncService) {}

  /** The seed's getUser: the user and each conversation's lastSeq, lastReadSeq and unread count. */
  @Get('me')
  @RequireScopes(Scopes.messagesRead)
  async me(@CurrentPrincipal() principal: Principal) {
    return this.sync.getUser(requireUser(principal));
  }
}
