import { describe, expect, it } from 'vitest';
import { nextCandidates, withTried } from './desk-candidates.js';

describe('desk candidates', () => {
  it('offers every operator a first conversation', () => {
    expect(nextCandidates(['a', 'b'], null, [])).toEqual([['a', 'b']]);
  });

  it('never offers it straight back, and prefers operators who have not had it', () => {
    expect(nextCandidates(['a', 'b', 'c'], 'a', ['b'])).toEqual([['c'], ['b', 'c']]);
    expect(nextCandidates(['a', 'b'], 'b', ['a'])).toEqual([['a']]);
    expect(nextCandidates(['a'], 'a', [])).toEqual([]);
  });

  it('remembers each operator once', () => {
    expect(withTried(['a'], 'a')).toEqual(['a']);
    expect(withTried(['a'], 'b')).toEqual(['a', 'b']);
    expect(withTried(['a'], null)).toEqual(['a']);
  });
});
