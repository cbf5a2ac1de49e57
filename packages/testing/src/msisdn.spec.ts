import { describe, expect, it } from 'vitest';
import { randomMsisdn } from './msisdn.js';

describe('randomMsisdn', () => {
  it('draws valid, distinct E.164 mobile numbers', () => {
    const numbers = Array.from({ length: 200 }, () => randomMsisdn());
    for (const n of numbers) expect(n).toMatch(/^\+479\d{7}$/);
    expect(new Set(numbers).size).toBeGreaterThan(195);
  });
});
