import { pipeline } from 'node:stream/promises';
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { Public, RequireScopes, Scopes } from '@parley/auth';
import {
  Attachment,
  AttachmentContentParams,
  AttachmentContentQuery,
  AttachmentParams,
  AttachmentUrlResponse,
  ConversationParams,
} from '@parley/protocol';
import { CurrentUser, ZodParam, ZodQuery, ZodResponse } from '@parley/service-kit';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { MESSAGING_CONFIG, type MessagingConfig } from '../config/config.js';
import { AttachmentsService } from './attachments.service.js';
import { receiveSingleFile } from './multipart-upload.js';

type Of<S extends z.ZodType> = z.infer<S>;

/** Types a browser may show in place; anything else downloads, so an upload never runs as a page. */
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp)|video\/(mp4|webm)|audio\/(mpeg|ogg)|application\/pdf)$/;

function contentDisposition(mimeType: string, name: string): string {
  const kind = INLINE_TYPES.test(mimeType) ? 'inline' : 'attachment';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

@Controller()
export class AttachmentsController {
  constructor(
    @Inject(AttachmentsService) private readonly attachments: AttachmentsService,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  @Post('v1/conversations/:conversationId/attachments')
  @RequireScopes(Scopes.messagesWrite)
  @ZodResponse(201, Attachment, 'stored; send it with a part {mimeType, attachmentId}')
  async upload(
    @CurrentUser() userId: string,
    @ZodParam(ConversationParams) params: Of<typeof ConversationParams>,
    @Req() req: Request,
  ) {
    return this.attachments.upload(userId, params.conversationId, () =>
      receiveSingleFile(req, this.config.attachments.maxBytes),
    );
  }

  @Get('v1/conversations/:conversationId/attachments/:attachmentId/url')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, AttachmentUrlResponse, 'short-lived signed URLs (paths on this service)')
  async signedUrls(
    @CurrentUser() userId: string,
    @ZodParam(AttachmentParams) params: Of<typeof AttachmentParams>,
  ) {
    return this.attachments.signedUrls(userId, params.conversationId, params.attachmentId);
  }

  /** Public: the signature is the permission, so an <img src> works without an Authorization header. */
  @Get('v1/attachments/:attachmentId/content')
  @Public()
  @ZodResponse(200, undefined, 'the file (or its thumbnail)')
  async content(
    @ZodParam(AttachmentContentParams) params: Of<typeof AttachmentContentParams>,
    @ZodQuery(AttachmentContentQuery) query: Of<typeof AttachmentContentQuery>,
    @Res() res: Response,
  ): Promise<void> {
    const content = await this.attachments.content(params.attachmentId, query);
    res.status(200);
    res.setHeader(
      'content-type',
      content.mimeType === 'text/plain' ? 'text/plain; charset=utf-8' : content.mimeType,
    );
    if (content.size !== undefined) res.setHeader('content-length', String(content.size));
    res.setHeader('content-disposition', contentDisposition(content.mimeType, content.name));
    res.setHeader('cache-control', `private, max-age=${content.maxAgeSeconds}`);
    res.setHeader('content-security-policy', "default-src 'none'; sandbox");
    try {
      await pipeline(content.stream, res);
    } catch {
      // The client went away mid-download, or storage failed after the headers: nothing more to say.
      res.destroy();
    }
  }
}
