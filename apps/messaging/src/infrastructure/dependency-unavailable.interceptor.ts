import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, throwError, type Observable } from 'rxjs';
import { asDependencyOutage } from './dependency-outage.js';

/**
 * A request that failed because PostgreSQL or Redis is down or restarting answers 503 with a code naming
 * which and a Retry-After, not 500: nothing was committed, and a client retrying the same request (the same
 * clientMessageId, the same signal id) is safe.
 */
@Injectable()
export class DependencyUnavailableInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((err: unknown) => throwError(() => asDependencyOutage(err))));
  }
}
