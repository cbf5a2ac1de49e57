import { Controller, Delete, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { Public } from '@parley/auth';
import { PushSubscriptionRecord, PushSubscriptionRequest, VapidPublicKey } from '@parley/protocol';
import { CurrentUser, ZodBody, ZodParam, ZodResponse } from '@parley/service-kit';
import { z } from 'zod';
import { PushService } from './push.service.js';

const SubscriptionParams = z.strictObject({ id: z.uuid() });

@Controller('v1/push')
export class PushController {
  constructor(@Inject(PushService) private readonly push: PushService) {}

  /** The application server key a browser subscribes with (public: the page needs it before anything). */
  @Public()
  @Get('vapid-public-key')
  @ZodResponse(200, VapidPublicKey)
  publicKey(): VapidPublicKey {
    return this.push.publicKey();
  }

  /** Registers the caller's browser; the same endpoint again answers with the same record. */
  @Post('subscriptions')
  @HttpCode(201)
  @ZodResponse(201, PushSubscriptionRecord, 'the subscription (the existing one for a known endpoint)')
  async subscribe(
    @CurrentUser() userId: string,
    @ZodBody(PushSubscriptionRequest) body: PushSubscriptionRequest,
  ): Promise<PushSubscriptionRecord> {
    return this.push.subscribe(userId, body);
  }

  @Get('subscriptions')
  @ZodResponse(200, z.object({ subscriptions: z.array(PushSubscriptionRecord) }))
  async list(@CurrentUser() userId: string): Promise<{ subscriptions: PushSubscriptionRecord[] }> {
    return { subscriptions: await this.push.list(userId) };
  }

  @Delete('subscriptions/:id')
  @HttpCode(204)
  @ZodResponse(204, undefined, 'deleted')
  @ZodResponse(404, undefined, 'no subscription of the caller with this id')
  async unsubscribe(
    @CurrentUser() userId: string,
    @ZodParam(SubscriptionParams) params: z.infer<typeof SubscriptionParams>,
  ): Promise<void> {
    await this.push.unsubscribe(userId, params.id);
  }
}
