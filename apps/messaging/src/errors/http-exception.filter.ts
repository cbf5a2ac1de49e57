import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { AuthenticationError, AuthorizationError } from '@parley/auth';
import type { ErrorBody } from '@parley/protocol';
import type { Logger } from '@parley/logger';
import type { Response } from 'express';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidClientError,
  InvalidCredentialsError,
  InvalidScopeError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
} from './domain-errors.js';

const StatusText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

interface Mapped {
  status: number;
  body: ErrorBody & { code?: string };
  headers?: Record<string, string>;
}

/** The one place where errors become HTTP responses; stack traces never reach clients. */
export function mapErrorToHttp(err: unknown): Mapped | undefined {
  const make = (status: number, message: string, code?: string, extra: Partial<ErrorBody> = {}): Mapped => ({
    status,
    body: {
      statusCode: status,
      error: StatusText[status] ?? 'Error',
      message,
      ...(code ? { code } : {}),
      ...extra,
    },
  });
  if (err instanceof ValidationError) return make(400, err.message, err.code, { issues: err.issues });
  if (err instanceof InvalidCredentialsError) return make(400, err.message, err.code);
  if (err instanceof InvalidScopeError) return make(400, err.message, err.code);
  if (err instanceof InvalidClientError) return make(401, err.message, err.code);
  if (err instanceof AuthenticationError) {
    const m = make(401, err.message, err.reason);
    m.headers = { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${err.reason}"` };
    return m;
  }
  if (err instanceof AuthorizationError) {
    return make(403, `missing scope: ${err.missingScopes.join(' ')}`, 'insufficient_scope');
  }
  if (err instanceof ForbiddenError) return make(403, err.message, err.code);
  if (err instanceof NotFoundError) return make(404, err.message, err.code);
  if (err instanceof ConflictError) return make(409, err.message, err.code);
  if (err instanceof PayloadTooLargeError) return make(413, err.message, err.code);
  if (err instanceof DomainError) return make(400, err.message, err.code);
  // Errors raised by Express' body parser before any route runs (Nest wraps them, keeping the cause).
  const bodyParserType = bodyParserErrorType(err);
  if (bodyParserType === 'entity.too.large')
    return make(413, 'request body is too large', 'payload_too_large');
  if (bodyParserType === 'entity.parse.failed')
    return make(400, 'request body is not valid JSON', 'invalid_json');
  if (bodyParserType === 'encoding.unsupported' || bodyParserType === 'charset.unsupported') {
    return make(415, 'unsupported body encoding', 'unsupported_media_type');
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return make(status, status === 404 ? 'no such route' : err.message);
  }
  return undefined;
}

function bodyParserErrorType(err: unknown): string | undefined {
  const own = (err as { type?: unknown } | null)?.type;
  if (typeof own === 'string') return own;
  const cause = (err as { cause?: { type?: unknown } } | null)?.cause?.type;
  return typeof cause === 'string' ? cause : undefined;
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    const mapped = mapErrorToHttp(exception);
    if (!mapped) {
      this.logger.error({ err: exception }, 'unhandled error');
      res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
      return;
    }
    if (mapped.status >= 500) this.logger.error({ err: exception }, 'request failed');
    for (const [k, v] of Object.entries(mapped.headers ?? {})) res.setHeader(k, v);
    res.status(mapped.status).json(mapped.body);
  }
}
