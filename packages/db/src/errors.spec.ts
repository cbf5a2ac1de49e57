import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from './index.js';

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
