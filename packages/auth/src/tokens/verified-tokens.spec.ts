import { describe, expect, it } from 'vitest';
import type { Principal } from '../principal.js';
import { VerifiedTokens } from './verified-tokens.js';

const principal = (subject: string, expiresAt: number): Principal => ({
  subject,
  kind: 'user',
  scopes: ['messages'],
  tokenId: `jti-${subject}`,
  expiresAt,
});

describe('VerifiedTokens', () => {
  it('answers a remembered token until its recheck time', () => {
    const cache = new VerifiedTokens(10, 60_000);
    cache.remember('t1', principal('ann', 2_000), 1_000_000);
    expect(cache.get('t1', 1_000_000 + 59_999, 0)?.subject).toBe('ann');
    expect(cache.get('t1', 1_000_000 + 60_000, 0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never answers past the token expiry, with the clock tolerance', () => {
    const cache = new VerifiedTokens(10, 60_000);
    cache.remember('t1', principal('ann', 1_010), 1_000_000);
    expect(cache.get('t1', 1_009_999, 0)?.subject).toBe('ann');
    expect(cache.get('t1', 1_010_000, 5)?.subject).toBe('ann');
    expect(cache.get('t1', 1_010_000, 0)).toBeUndefined();
  });

  it('forgets the oldest entry when full', () => {
    const cache = new VerifiedTokens(2, 60_000);
    cache.remember('a', principal('a', 9_999), 0);
    cache.remember('b', principal('b', 9_999), 0);
    cache.remember('c', principal('c', 9_999), 0);
    expect(cache.get('a', 1, 0)).toBeUndefined();
    expect(cache.get('b', 1, 0)?.subject).toBe('b');
    expect(cache.get('c', 1, 0)?.subject).toBe('c');
  });

  it('hands out copies, so a caller changing one cannot change the next', () => {
    const cache = new VerifiedTokens(2, 60_000);
    cache.remember('a', principal('a', 9_999), 0);
    cache.get('a', 1, 0)!.scopes.push('admin');
    expect(cache.get('a', 1, 0)!.scopes).toEqual(['messages']);
  });
});
