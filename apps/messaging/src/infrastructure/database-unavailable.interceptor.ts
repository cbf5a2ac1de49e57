import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { isConnectionFailure } from '@parley/db';
import { catchError, throwError, type Observable } from 'rxjs';
import { DatabaseUnavailableError } from '../errors/domain-errors.js';

/**
 * A request that failed because PostgreSQL is down or restarting answers 503 `database_unavailable` with a
 * Retry-After, not 500: nothing was committed, and a client retrying with the same clientMessageId is safe.
 */
@Injectable()
export class DatabaseUnavailableInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((err: unknown) =>
          throwError(() => (isConnectionFailure(err) ? new DatabaseUnavailableError({ cause: err }) : err)),
        ),
      );
  }
}
