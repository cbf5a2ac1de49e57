import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst, then refuses until tokens refill', () => {
    const bucket = new TokenBucket(10, 20, 0);
    const allowed = Array.from({ length: 25 }, () => bucket.take(0)).filter(Boolean).length;
    expect(allowed).toBe(20);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
  });
});
