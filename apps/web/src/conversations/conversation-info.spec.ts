import { describe, expect, it } from 'vitest';
import { withoutMarkdown } from './conversation-info';

describe('withoutMarkdown', () => {
  it('keeps the words and drops the markers of bold, italic and code', () => {
    expect(withoutMarkdown('Great, thanks for the **quick** work!')).toBe(
      'Great, thanks for the quick work!',
    );
    expect(withoutMarkdown('an *italic* and _other_ word, `npm start`')).toBe(
      'an italic and other word, npm start',
    );
    expect(withoutMarkdown('```ts\nconst a = 1;\n```')).toBe('const a = 1;\n');
  });

  it('leaves snake_case names and lone asterisks alone', () => {
    expect(withoutMarkdown('set REDIS_URL and 2 * 3')).toBe('set REDIS_URL and 2 * 3');
  });
});
