import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import type { Logger } from '@parley/logger';
import {
  EVENT_STREAM_CONTENT_TYPE,
  EVENT_STREAM_LAST_SEQ_HEADER,
  CatchUpQuery,
  CatchUpResponse,
  ConversationParams,
  RetransmitQuery,
  RetransmitResponse,
} from '@parley/protocol';
import { CurrentUser, ZodParam, ZodQuery, ZodResponse } from '@parley/service-kit';
import type { Response } from 'express';
import type { z } from 'zod';
import { LOGGER } from '../infrastructure/tokens.js';
import { SyncService } from './sync.service.js';

type Of<S extends z.ZodType> = z.infer<S>;

@Controller('v1/conversations/:conversationId')
export class SyncController {
  constructor(
    @Inject(SyncService) private readonly sync: SyncService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** retransmitEvents(conversationId, fromSeq, toSeq) */
  @Get('events')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, RetransmitResponse)
  async retransmitEvents(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodQuery(RetransmitQuery) query: Of<typeof RetransmitQuery>,
  ) {
    return this.sync.retransmitEvents(userId, params.conversationId, query.fromSeq, query.toSeq);
  }

  /** The range in one NDJSON response, written as fast as the client reads it. */
  @Get('events/stream')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(
    200,
    undefined,
    `${EVENT_STREAM_CONTENT_TYPE}: one ConversationEvent per line from fromSeq to toSeq (default: the last seq when the stream began, in ${EVENT_STREAM_LAST_SEQ_HEADER})`,
  )
  async streamEvents(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodQuery(RetransmitQuery) query: Of<typeof RetransmitQuery>,
    @Res() res: Response,
  ): Promise<void> {
    const stream = await this.sync.streamEvents(userId, params.conversationId, query.fromSeq, query.toSeq);
    res.status(200).set({
      'content-type': `${EVENT_STREAM_CONTENT_TYPE}; charset=utf-8`,
      'cache-control': 'no-store',
      [EVENT_STREAM_LAST_SEQ_HEADER]: String(stream.lastSeq),
    });
    try {
      // One batch read ahead at most: the next is fetched only when the socket has taken this one.
      await pipeline(Readable.from(stream.chunks, { highWaterMark: 1 }), res);
    } catch (err) {
      // The client went away, or a read failed after the status was sent: either way the client sees a cut
      // stream and resumes from the last seq it got.
      if (!res.destroyed || (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        this.logger.warn({ err, conversationId: params.conversationId }, 'event stream cut short');
    }
  }

  /** Where a device that was away should start: replay the gap, or reset to the latest page. */
  @Get('sync')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, CatchUpResponse)
  async catchUp(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @ZodQuery(CatchUpQuery) query: Of<typeof CatchUpQuery>,
  ) {
    return this.sync.catchUp(userId, params.conversationId, query.sinceSeq);
  }
}
