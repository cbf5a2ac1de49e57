import { describeFailure, failureToWsFrame } from '@parley/service-kit';
import { describe, expect, it } from 'vitest';
import { asDependencyOutage } from '../infrastructure/dependency-outage.js';

const frameFor = (err: unknown) => failureToWsFrame(describeFailure(asDependencyOutage(err)));

describe('device frames failing on an outage', () => {
  it('answer realtime_unavailable when Redis cannot take the command', () => {
    for (const err of [
      new Error('Redis not reachable (reconnecting): connect ECONNREFUSED 127.0.0.1:6379'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error('Command timed out'),
    ])
      expect(frameFor(err)).toEqual({
        type: 'error',
        code: 'realtime_unavailable',
        message: 'live delivery is unavailable; try again shortly',
      });
  });

  it('answer database_unavailable when PostgreSQL is down, without its error text', () => {
    const frame = frameFor(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    );
    expect(frame).toMatchObject({ type: 'error', code: 'database_unavailable' });
    expect(frame.message).not.toContain('ECONNREFUSED');
  });

  it('leave any other failure as it was: internal, with nothing of its message', () => {
    expect(frameFor(new Error('a bug'))).toEqual({
      type: 'error',
      code: 'internal',
      message: 'internal error',
    });
  });
});
