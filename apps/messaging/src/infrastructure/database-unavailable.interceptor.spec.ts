import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { describeFailure, failureToHttp } from '@parley/service-kit';
import { firstValueFrom, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors/domain-errors.js';
import { DatabaseUnavailableInterceptor } from './database-unavailable.interceptor.js';

async function answerTo(err: unknown) {
  const handler: CallHandler = { handle: () => throwError(() => err) };
  const thrown = await firstValueFrom(
    new DatabaseUnavailableInterceptor().intercept({} as ExecutionContext, handler),
  ).catch((e: unknown) => e);
  return failureToHttp(describeFailure(thrown));
}

describe('DatabaseUnavailableInterceptor', () => {
  it('answers a refused or lost database connection with 503 database_unavailable and a Retry-After', async () => {
    for (const err of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    ]) {
      const http = await answerTo(err);
      expect(http.status).toBe(503);
      expect(http.headers).toEqual({ 'Retry-After': '2' });
      expect(http.body).toMatchObject({ code: 'database_unavailable', error: 'Service Unavailable' });
      expect(http.body.message).not.toContain('ECONNREFUSED');
    }
  });

  it('leaves other failures as they are', async () => {
    expect((await answerTo(new ConflictError('taken'))).status).toBe(409);
    expect((await answerTo(Object.assign(new Error('syntax error'), { code: '42601' }))).status).toBe(500);
  });
});
