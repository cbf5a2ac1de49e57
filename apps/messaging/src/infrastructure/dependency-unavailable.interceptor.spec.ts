import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { describeFailure, failureToHttp } from '@parley/service-kit';
import { firstValueFrom, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors/domain-errors.js';
import { DependencyUnavailableInterceptor } from './dependency-unavailable.interceptor.js';

async function answerTo(err: unknown) {
  const handler: CallHandler = { handle: () => throwError(() => err) };
  const thrown = await firstValueFrom(
    new DependencyUnavailableInterceptor().intercept({} as ExecutionContext, handler),
  ).catch((e: unknown) => e);
  return failureToHttp(describeFailure(thrown));
}

describe('DependencyUnavailableInterceptor', () => {
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

  it('answers Redis being down or restarting with 503 realtime_unavailable and a Retry-After', async () => {
    const maxRetries = Object.assign(new Error('Reached the max retries per request limit (which is 1).'), {
      name: 'MaxRetriesPerRequestError',
    });
    for (const err of [
      new Error('Redis not reachable (reconnecting): connect ECONNREFUSED 127.0.0.1:6379'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error('Connection is closed.'),
      maxRetries,
    ]) {
      const http = await answerTo(err);
      expect(http.status).toBe(503);
      expect(http.headers).toEqual({ 'Retry-After': '2' });
      expect(http.body).toMatchObject({ code: 'realtime_unavailable' });
    }
  });

  it('leaves other failures as they are', async () => {
    expect((await answerTo(new ConflictError('taken'))).status).toBe(409);
    expect((await answerTo(Object.assign(new Error('syntax error'), { code: '42601' }))).status).toBe(500);
    expect((await answerTo(new Error('WRONGTYPE Operation against a key'))).status).toBe(500);
  });
});
