import { randomUUID } from 'node:crypto';
import { runWithLogContext, type Logger } from '@parley/logger';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Gives every request an id (the caller's `x-request-id` when it is a sane token, a new one otherwise),
 * sends it back in the response header, and runs the rest of the request inside a log context, so every
 * log line written while serving it, and every bus event it publishes, carries the id. Access log at debug.
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.header(REQUEST_ID_HEADER);
    const requestId = incoming && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = process.hrtime.bigint();
    runWithLogContext({ requestId }, () => {
      res.on('finish', () => {
        if (!logger.isLevelEnabled('debug')) return;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        logger.debug(
          { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
          'request',
        );
      });
      next();
    });
  };
}
