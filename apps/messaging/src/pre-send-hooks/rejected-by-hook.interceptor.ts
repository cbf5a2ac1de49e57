import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { describeFailure, failureToHttp } from '@parley/service-kit';
import type { Response } from 'express';
import { catchError, throwError, type Observable } from 'rxjs';
import { RejectedByHookError } from './pre-send-errors.js';

/**
 * Answers a hook's rejection with 422 in the Parley ErrorBody: the request was well formed, the customer's
 * policy refused its content. The shared failure table has no 422, so the answer is written here; the error
 * still travels on to the service kit's filter, which leaves an answered response alone.
 */
@Injectable()
export class RejectedByHookInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(
      catchError((err: unknown) => {
        if (err instanceof RejectedByHookError) {
          const res = context.switchToHttp().getResponse<Response>();
          const http = failureToHttp(describeFailure(err), RejectedByHookError.httpStatus);
          if (!res.headersSent) res.status(http.status).json({ ...http.body, error: 'Unprocessable Entity' });
        }
        return throwError(() => err);
      }),
    );
  }
}
