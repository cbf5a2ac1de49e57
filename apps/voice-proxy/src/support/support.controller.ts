import { Controller, Get, Headers, HttpCode, Inject, Put } from '@nestjs/common';
import { AuthenticationError, CurrentPrincipal, type Principal } from '@parley/auth';
import {
  OperatorAvailability,
  SetAvailabilityRequest,
  SupportLine,
  VoiceCallPage,
  VoiceCallPageQuery,
} from '@parley/protocol';
import { ZodBody, ZodQuery, ZodResponse } from '@parley/service-kit';
import { SupportService } from './support.service.js';

function signedIn(principal: Principal | undefined): Principal {
  if (!principal) throw new AuthenticationError('missing_token');
  return principal;
}

@Controller('v1/support')
export class SupportController {
  constructor(@Inject(SupportService) private readonly support: SupportService) {}

  /** Any signed-in user: the line to send `start` to, and their own operator status if they are one. */
  @Get()
  @ZodResponse(200, SupportLine, 'the line, and the caller’s operator status (null for customers)')
  async line(@CurrentPrincipal() principal: Principal | undefined): Promise<SupportLine> {
    return this.support.line(signedIn(principal));
  }

  /** Operators only: on duty (rung for calls, longest idle first) or off. */
  @Put('availability')
  @HttpCode(200)
  @ZodResponse(200, OperatorAvailability, 'the operator’s availability now')
  @ZodResponse(403, undefined, 'the caller is not a support operator')
  async setAvailability(
    @CurrentPrincipal() principal: Principal | undefined,
    @Headers('authorization') authorization: string,
    @ZodBody(SetAvailabilityRequest) body: SetAvailabilityRequest,
  ): Promise<OperatorAvailability> {
    return this.support.setAvailability(signedIn(principal), authorization, body);
  }

  /** Call detail records, newest first: an operator's own calls, or every call for an `admin` token. */
  @Get('calls')
  @ZodResponse(200, VoiceCallPage, 'a page of call records')
  @ZodResponse(403, undefined, 'neither an operator nor an admin')
  async calls(
    @CurrentPrincipal() principal: Principal | undefined,
    @ZodQuery(VoiceCallPageQuery) query: VoiceCallPageQuery,
  ): Promise<VoiceCallPage> {
    return this.support.callPage(signedIn(principal), query);
  }
}
