import { Body, Controller, Get, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { AuthenticationError, CurrentPrincipal, type Principal } from '@parley/auth';
import {
  ProviderCall,
  ProviderCallJoin,
  ProviderCallParams,
  StartProviderCallRequest,
} from '@parley/protocol';
import { ZodBody, ZodParam, ZodResponse } from '@parley/service-kit';
import { CallsService } from './calls.service.js';

function signedIn(principal: Principal | undefined): Principal {
  if (!principal) throw new AuthenticationError('missing_token');
  return principal;
}

/** Provider calls in conversations, for signed-in users who take part in the conversation. */
@Controller('v1/calls')
export class CallsController {
  constructor(@Inject(CallsService) private readonly calls: CallsService) {}

  @Post()
  @ZodResponse(201, ProviderCall, 'the call; its voip-link message follows in the conversation')
  @ZodResponse(404, undefined, 'no such conversation for the caller, or no such provider')
  async start(
    @CurrentPrincipal() principal: Principal | undefined,
    @Headers('authorization') authorization: string,
    @ZodBody(StartProviderCallRequest) body: StartProviderCallRequest,
    @Body() sent: unknown,
  ): Promise<ProviderCall> {
    // The schema fills in `parley` for a missing provider; this deployment's DEFAULT_PROVIDER decides instead.
    const named = typeof sent === 'object' && sent !== null && 'provider' in sent;
    return this.calls.start(signedIn(principal), authorization, {
      ...body,
      provider: named ? body.provider : undefined,
    });
  }

  @Get(':id')
  @ZodResponse(200, ProviderCall, 'the call as the gateway knows it now')
  @ZodResponse(404, undefined, 'no such call in a conversation of the caller')
  async get(
    @CurrentPrincipal() principal: Principal | undefined,
    @Headers('authorization') authorization: string,
    @ZodParam(ProviderCallParams) params: ProviderCallParams,
  ): Promise<ProviderCall> {
    return this.calls.get(signedIn(principal), authorization, params.id);
  }

  @Post(':id/join')
  @HttpCode(200)
  @ZodResponse(200, ProviderCallJoin, 'the call and an access token for the caller’s identity')
  async join(
    @CurrentPrincipal() principal: Principal | undefined,
    @Headers('authorization') authorization: string,
    @ZodParam(ProviderCallParams) params: ProviderCallParams,
  ): Promise<ProviderCallJoin> {
    return this.calls.join(signedIn(principal), authorization, params.id);
  }

  @Post(':id/leave')
  @HttpCode(200)
  @ZodResponse(200, ProviderCall, 'the call as it was; the departure is applied right after')
  async leave(
    @CurrentPrincipal() principal: Principal | undefined,
    @Headers('authorization') authorization: string,
    @ZodParam(ProviderCallParams) params: ProviderCallParams,
  ): Promise<ProviderCall> {
    return this.calls.leave(signedIn(principal), authorization, params.id);
  }

  @Post(':id/end')
  @HttpCode(200)
  @ZodResponse(200, ProviderCall, 'the call as it was; the end is applied right after')
  async end(
    @CurrentPrincipal() principal: Principal | undefined,
    @Headers('authorization') authorization: string,
    @ZodParam(ProviderCallParams) params: ProviderCallParams,
  ): Promise<ProviderCall> {
    return this.calls.end(signedIn(principal), authorization, params.id);
  }
}
