import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@parley/logger';
import type { NextFunction, Request, Response } from 'express';
import { describeFailure, failureToHttp } from '../errors/failure.js';

/** Writes any error as the Parley ErrorBody; internal details stay in the log. */
export function sendFailure(res: Response, err: unknown, logger: Logger): void {
  const failure = describeFailure(err);
  if (failure.kind === 'internal') logger.error({ err }, 'request failed');
  const http = failureToHttp(failure);
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(http.headers)) res.setHeader(k, v);
  res.status(http.status).json(http.body);
}

/** The one exception filter of every HTTP service. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    sendFailure(host.switchToHttp().getResponse<Response>(), exception, this.logger);
  }
}

/** Express error middleware for what fails before Nest routes run (body parsing). */
export function expressErrorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void =>
    sendFailure(res, err, logger);
}
