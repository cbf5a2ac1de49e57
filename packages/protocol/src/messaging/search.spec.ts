import { describe, expect, it } from 'vitest';
import { SearchQuery } from './search.js';

const before = (cursor: string) => SearchQuery.safeParse({ q: 'hello', before: cursor });

describe('search cursor', () => {
  it('accepts the cursors the server writes', () => {
    expect(before('1795855240123456.6f1c0f0e-3b1a-4c3e-9d7a-2b8e5c1a9f00').success).toBe(true);
    expect(before('9223372036854775807.6F1C0F0E-3B1A-4C3E-9D7A-2B8E5C1A9F00').success).toBe(true);
  });

  it('refuses a message id that is not a UUID, so it never reaches a uuid column', () => {
    for (const id of [
      '0a0a0a0a-0a0a-0a0a-0a0a-0a0a0a0a0a0-',
      '------------------------------------',
      'aaaa0-aa00a0-0-aaa0a0----0-a-00a0--0',
    ])
      expect(before(`1.${id}`).success, id).toBe(false);
  });

  it('refuses anything else with one issue, whatever characters it holds', () => {
    for (const cursor of ['\uDFFF', '', 'x.y', '1', '.', '\u0000', `${'9'.repeat(40)}.x`]) {
      const result = before(cursor);
      expect(result.success, cursor).toBe(false);
      expect(result.error?.issues.map((i) => i.message)).toEqual(['must be a nextBefore value']);
    }
  });

  it('refuses a position past the largest bigint', () => {
    const id = '6f1c0f0e-3b1a-4c3e-9d7a-2b8e5c1a9f00';
    expect(before(`9223372036854775808.${id}`).success).toBe(false);
    expect(before(`99999999999999999999.${id}`).success).toBe(false);
  });
});
