import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { Public } from '@parley/auth';
import { ProviderWebhookParams, ProviderWebhookReceipt } from '@parley/protocol';
import { ZodParam, ZodResponse } from '@parley/service-kit';
import { WebhooksService } from './webhooks.service.js';
import type { RequestWithRawBody } from './raw-webhook-body.js';

/** Providers call this; they have no Parley token, so the webhook's own signature is the authentication. */
@Controller('v1/providers')
export class WebhooksController {
  constructor(@Inject(WebhooksService) private readonly webhooks: WebhooksService) {}

  @Public()
  @Post(':provider/webhooks')
  @HttpCode(200)
  @ZodResponse(200, ProviderWebhookReceipt, 'stored and queued (or already had: duplicates)')
  @ZodResponse(400, undefined, 'signed, but not a webhook of this provider')
  @ZodResponse(401, undefined, 'bad or missing signature, or a timestamp outside the replay window')
  @ZodResponse(404, undefined, 'no such provider is configured')
  @ZodResponse(413, undefined, 'body over the webhook limit')
  @ZodResponse(415, undefined, 'a content type this provider never sends')
  async receive(
    @ZodParam(ProviderWebhookParams) params: ProviderWebhookParams,
    @Req() req: RequestWithRawBody,
  ): Promise<ProviderWebhookReceipt> {
    return this.webhooks.receive(params.provider, {
      rawBody: req.rawWebhookBody ?? Buffer.alloc(0),
      contentType: req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined,
      headers: lowerCaseHeaders(req.headers),
      path: req.originalUrl,
    });
  }
}

function lowerCaseHeaders(headers: RequestWithRawBody['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers))
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
