import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import { ConsumerGroups, EventBus } from '@parley/event-bus';
import { DeadLetterList, DeadLetterParams } from '@parley/protocol';
import { NotFoundError, ZodParam, ZodResponse } from '@parley/service-kit';

/** How many dead letters a listing shows (newest first) and a replay looks through. */
const LISTED = 200;

/**
 * Provider events the gateway could not apply (a handler that threw UnrecoverableError or ran out of
 * retries), kept in the bus for inspection and replay. Admin tokens only.
 */
@Controller('v1/admin/dead-letters')
@RequireScopes(Scopes.admin)
export class DeadLettersController {
  constructor(@Inject(EventBus) private readonly bus: EventBus) {}

  @Get()
  @ZodResponse(200, DeadLetterList, 'dead-lettered provider events, newest first')
  async list(): Promise<DeadLetterList> {
    const letters = await this.bus.deadLetters(ConsumerGroups.webhookGateway, LISTED);
    return DeadLetterList.parse({
      deadLetters: letters.map((letter) => ({
        jobId: letter.jobId,
        topic: letter.topic,
        failedReason: letter.failedReason,
        attemptsMade: letter.attemptsMade,
        failedAt: letter.failedAt === undefined ? null : new Date(letter.failedAt).toISOString(),
        payload: letter.event.payload,
      })),
    });
  }

  @Post(':jobId/replay')
  @HttpCode(202)
  @ZodResponse(202, undefined, 'queued again with a fresh attempt budget')
  @ZodResponse(404, undefined, 'no such dead letter')
  async replay(@ZodParam(DeadLetterParams) params: DeadLetterParams): Promise<void> {
    const letters = await this.bus.deadLetters(ConsumerGroups.webhookGateway, LISTED);
    if (!letters.some((letter) => letter.jobId === params.jobId))
      throw new NotFoundError('no such dead letter');
    await this.bus.replayDeadLetter(ConsumerGroups.webhookGateway, params.jobId);
  }
}
