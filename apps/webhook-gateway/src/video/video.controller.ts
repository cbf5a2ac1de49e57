import { Controller, Get, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ProviderAccessToken,
  StartVideoCallRequest,
  VideoIdentity,
  VideoInvite,
  VideoTokenRequest,
} from '@parley/protocol';
import { CurrentUser, ZodBody, ZodParam, ZodResponse } from '@parley/service-kit';
import { z } from 'zod';
import { VideoAccessService } from './video-access.service.js';
import { VideoInvitesService } from './video-invites.service.js';

const UserParams = z.strictObject({ userId: z.uuid() });
const InviteParams = z.strictObject({ id: z.uuid() });

/** Video calls between two participants of a conversation, rung as invites (see video-invites.service.ts). */
@Controller('v1/video')
export class VideoController {
  constructor(
    @Inject(VideoAccessService) private readonly access: VideoAccessService,
    @Inject(VideoInvitesService) private readonly invites: VideoInvitesService,
  ) {}

  @Post('token')
  @HttpCode(200)
  @ZodResponse(200, ProviderAccessToken, 'a token for the caller’s own identity; renew before expires_at')
  @ZodResponse(404, undefined, 'no such provider')
  async token(
    @CurrentUser() userId: string,
    @ZodBody(VideoTokenRequest) body: VideoTokenRequest,
  ): Promise<ProviderAccessToken> {
    return this.access.tokenFor(userId, body.provider);
  }

  @Get('identity/:userId')
  @ZodResponse(200, VideoIdentity, 'whom to invite, in the provider’s terms')
  @ZodResponse(404, undefined, 'no such user')
  async identity(
    @CurrentUser() _userId: string,
    @Headers('authorization') authorization: string,
    @ZodParam(UserParams) params: z.infer<typeof UserParams>,
  ): Promise<VideoIdentity> {
    return this.access.identityOf(authorization, params.userId);
  }

  @Post('calls')
  @HttpCode(201)
  @ZodResponse(201, VideoInvite, 'the invite, after its first try')
  @ZodResponse(403, undefined, 'the callee is not a participant of the conversation')
  @ZodResponse(404, undefined, 'no such conversation for the caller, or no such provider')
  async start(
    @CurrentUser() userId: string,
    @Headers('authorization') authorization: string,
    @ZodBody(StartVideoCallRequest) body: StartVideoCallRequest,
  ): Promise<VideoInvite> {
    return this.invites.start(userId, authorization, body);
  }

  @Get('calls/:id')
  @ZodResponse(200, VideoInvite)
  @ZodResponse(404, undefined, 'no such invite of the caller')
  async get(
    @CurrentUser() userId: string,
    @ZodParam(InviteParams) params: z.infer<typeof InviteParams>,
  ): Promise<VideoInvite> {
    return this.invites.get(userId, params.id);
  }

  @Post('calls/:id/answer')
  @HttpCode(200)
  @ZodResponse(200, VideoInvite, 'answered: no more tries')
  @ZodResponse(403, undefined, 'only the callee answers')
  @ZodResponse(409, undefined, 'the invite is no longer ringing')
  async answer(
    @CurrentUser() userId: string,
    @ZodParam(InviteParams) params: z.infer<typeof InviteParams>,
  ): Promise<VideoInvite> {
    return this.invites.answer(userId, params.id);
  }

  @Post('calls/:id/cancel')
  @HttpCode(200)
  @ZodResponse(200, VideoInvite, 'cancelled: no more tries, the call is over')
  @ZodResponse(403, undefined, 'only the caller cancels')
  @ZodResponse(409, undefined, 'the invite is no longer ringing')
  async cancel(
    @CurrentUser() userId: string,
    @ZodParam(InviteParams) params: z.infer<typeof InviteParams>,
  ): Promise<VideoInvite> {
    return this.invites.cancel(userId, params.id);
  }

  @Post('calls/:id/decline')
  @HttpCode(200)
  @ZodResponse(200, VideoInvite, 'declined: no more tries, the call is over')
  @ZodResponse(403, undefined, 'only the callee declines')
  @ZodResponse(409, undefined, 'the invite is no longer ringing')
  async decline(
    @CurrentUser() userId: string,
    @ZodParam(InviteParams) params: z.infer<typeof InviteParams>,
  ): Promise<VideoInvite> {
    return this.invites.decline(userId, params.id);
  }
}
