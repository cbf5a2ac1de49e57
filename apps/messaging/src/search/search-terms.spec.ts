import { describe, expect, it } from 'vitest';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  toPrefixTsQuery,
  toSnippetSegments,
} from './search-terms.js';

describe('toPrefixTsQuery', () => {
  it('matches every word as a prefix, lower-cased and once each', () => {
    expect(toPrefixTsQuery('Hello  wor hello')).toBe('hello:* & wor:*');
  });
  it('keeps only letters and digits, so tsquery operators cannot be injected', () => {
    expect(toPrefixTsQuery("a:* | !b & (c) <-> 'd'")).toBe('a:* & b:* & c:* & d:*');
  });
  it('keeps letters of any script', () => {
    expect(toPrefixTsQuery('Straße café 東京')).toBe('straße:* & café:* & 東京:*');
  });
  it('has nothing to search for in punctuation only', () => {
    expect(toPrefixTsQuery('!!! ---')).toBeUndefined();
  });
  it('stops at the maximum number of words', () => {
    const q = toPrefixTsQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))!;
    expect(q.split(' & ')).toHaveLength(16);
  });
});

describe('toSnippetSegments', () => {
  it('splits marked matches from plain text', () => {
    expect(toSnippetSegments('say \u0001hello\u0002 to \u0001Bob\u0002')).toEqual([
      { text: 'say ', match: false },
      { text: 'hello', match: true },
      { text: ' to ', match: false },
      { text: 'Bob', match: true },
    ]);
  });
});

describe('search cursor', () => {
  it('round-trips', () => {
    const p = { createdAtMicros: '1764300000123456', messageId: '0b8f6c1e-1f7e-4a53-9c1c-0d7c4b0e9a11' };
    expect(decodeSearchCursor(encodeSearchCursor(p))).toEqual(p);
  });
});
