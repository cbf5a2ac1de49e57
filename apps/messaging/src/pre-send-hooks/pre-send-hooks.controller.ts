import { Controller, Delete, Get, HttpCode, Inject, Put, Res } from '@nestjs/common';
import { AuthenticationError, CurrentPrincipal, Scopes, type Principal } from '@parley/auth';
import {
  PreSendHookList,
  PreSendHookParams,
  PutPreSendHookRequest,
  PutPreSendHookResponse,
} from '@parley/protocol';
import { ForbiddenError, ZodBody, ZodParam, ZodResponse } from '@parley/service-kit';
import type { Response } from 'express';
import { PreSendHooksService } from './pre-send-hooks.service.js';

/** Machine clients with `webhooks.manage` (or `admin`) configure pre-send hooks; user tokens never do. */
function requireHookManager(principal: Principal | undefined): string {
  if (!principal) throw new AuthenticationError('missing_token');
  if (principal.kind !== 'client') throw new ForbiddenError('pre-send hooks are managed by machine clients');
  if (!principal.scopes.includes(Scopes.webhooksManage) && !principal.scopes.includes(Scopes.admin))
    throw new ForbiddenError(`missing scope: ${Scopes.webhooksManage}`);
  return principal.subject;
}

@Controller('v1/server/pre-send-hooks')
export class PreSendHooksController {
  constructor(@Inject(PreSendHooksService) private readonly hooks: PreSendHooksService) {}

  @Get()
  @ZodResponse(200, PreSendHookList)
  async list(@CurrentPrincipal() principal: Principal | undefined) {
    requireHookManager(principal);
    return { hooks: await this.hooks.list() };
  }

  @Put(':scope')
  @ZodResponse(201, PutPreSendHookResponse, 'created; the signing secret is shown this once')
  @ZodResponse(200, PutPreSendHookResponse, 'updated; a secret only when rotateSecret was asked')
  async put(
    @CurrentPrincipal() principal: Principal | undefined,
    @ZodParam(PreSendHookParams) params: PreSendHookParams,
    @ZodBody(PutPreSendHookRequest) body: PutPreSendHookRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const actor = requireHookManager(principal);
    const { hook, secret, created } = await this.hooks.put(actor, params.scope, body);
    res.status(created ? 201 : 200);
    return { hook, ...(secret ? { secret } : {}) };
  }

  @Delete(':scope')
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() principal: Principal | undefined,
    @ZodParam(PreSendHookParams) params: PreSendHookParams,
  ) {
    requireHookManager(principal);
    await this.hooks.remove(params.scope);
  }
}
