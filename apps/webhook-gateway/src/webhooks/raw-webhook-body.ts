import { PayloadTooLargeError } from '@parley/service-kit';
import type { NextFunction, Request, Response } from 'express';
import { UnknownProviderError, type ProviderRegistry } from '../providers/registry.js';

/** The provider webhook route, as the capture below recognises it before Nest routes anything. */
const webhookPath = /^\/v1\/providers\/([^/]+)\/webhooks\/?$/;

/** The bytes of a provider webhook, kept for signature checks (which must see exactly what was signed). */
export interface RequestWithRawBody extends Request {
  rawWebhookBody?: Buffer;
}

/**
 * Express middleware that must run before the kit's JSON and form parsers: for a provider webhook it reads
 * the body itself into `req.rawWebhookBody` (the parsers then see a finished request and leave it alone), so
 * a signature is checked over the bytes the provider signed and never over a re-encoding. For a provider
 * that is not configured nothing is read: the answer is 404 at once. A body larger than
 * `limitBytes` is refused with 413 from its Content-Length or as soon as it grows past the limit.
 */
export function captureRawWebhookBody(registry: ProviderRegistry, limitBytes: number) {
  return (req: RequestWithRawBody, _res: Response, next: NextFunction): void => {
    const match = req.method === 'POST' ? webhookPath.exec(req.path) : null;
    if (!match) {
      next();
      return;
    }
    let provider: string;
    try {
      provider = decodeURIComponent(match[1] ?? '');
    } catch {
      provider = '';
    }
    if (!registry.has(provider)) {
      next(new UnknownProviderError(`no provider "${provider}" is configured`));
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limitBytes) {
      next(new PayloadTooLargeError(`a provider webhook may be at most ${limitBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        next(new PayloadTooLargeError(`a provider webhook may be at most ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      req.rawWebhookBody = Buffer.concat(chunks);
      next();
    });
    req.on('error', (err) => {
      if (failed) return;
      failed = true;
      next(err);
    });
  };
}
