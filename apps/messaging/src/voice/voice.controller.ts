import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { AuthenticationError, CurrentPrincipal, type Principal } from '@parley/auth';
import { SendVoiceSignalRequest, SendVoiceSignalResponse } from '@parley/protocol';
import { ZodBody, ZodResponse } from '@parley/service-kit';
import { VoiceService } from './voice.service.js';

@Controller('v1/voice')
export class VoiceController {
  constructor(@Inject(VoiceService) private readonly voice: VoiceService) {}

  /**
   * One voice negotiation signal to one identity. Users need `call.control.answer_and_initiate` and a part
   * in the conversation (or the call); machine clients need `voice.proxy`.
   */
  @Post('signals')
  @HttpCode(201)
  @ZodResponse(
    201,
    SendVoiceSignalResponse,
    'accepted; `delivered` says whether a connection received it live',
  )
  async sendSignal(
    @CurrentPrincipal() principal: Principal | undefined,
    @ZodBody(SendVoiceSignalRequest) body: SendVoiceSignalRequest,
  ) {
    if (!principal) throw new AuthenticationError('missing_token');
    return this.voice.sendSignal(principal, body);
  }
}
