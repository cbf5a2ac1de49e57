import { describe, expect, it } from 'vitest';
import { isConnectionFailure, isUniqueViolation } from './index.js';

// Driver-produced errors are covered in database.spec.ts; these pin down the shape checks.
describe('isUniqueViolation', () => {
  it('matches SQLSTATE 23505 and, when asked, the constraint name', () => {
    const err = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'users_email_key' });
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, 'users_email_key')).toBe(true);
    expect(isUniqueViolation(err, 'users_pkey')).toBe(false);
  });

  it('rejects other codes and non-errors', () => {
    expect(isUniqueViolation({ code: '23503', constraint: 'users_email_key' })).toBe(false);
    expect(isUniqueViolation(new Error('23505'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(isUniqueViolation('23505')).toBe(false);
    expect(isUniqueViolation({ code: '23505' }, 'users_email_key')).toBe(false);
  });
});

describe('isConnectionFailure', () => {
  it('matches a server that is down, restarting or went away mid-statement', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isConnectionFailure(refused)).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      true,
    );
    expect(isConnectionFailure(Object.assign(new Error('starting up'), { code: '57P03' }))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('lost'), { code: '08006' }))).toBe(true);
    expect(isConnectionFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionFailure(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isConnectionFailure(new AggregateError([refused], ''))).toBe(true);
  });

  it('leaves failures of the statement itself alone', () => {
    expect(isConnectionFailure(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isConnectionFailure(Object.assign(new Error('syntax'), { code: '42601' }))).toBe(false);
    expect(isConnectionFailure(Object.assign(new Error('canceled'), { code: '57014' }))).toBe(false);
    expect(isConnectionFailure(new Error('Connection is fine'))).toBe(false);
    expect(isConnectionFailure(null)).toBe(false);
    expect(isConnectionFailure('ECONNREFUSED')).toBe(false);
  });
});
