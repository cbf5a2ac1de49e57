import { describe, expect, it } from 'vitest';
import { checkMentions, replyExcerpt } from './replies-and-mentions.js';

const ann = '00000000-0000-4000-8000-00000000000a';
const ben = '00000000-0000-4000-8000-00000000000b';
const eve = '00000000-0000-4000-8000-00000000000e';

describe('replyExcerpt', () => {
  it('quotes the text parts on one line', () => {
    expect(
      replyExcerpt([
        { mimeType: 'text/plain', body: 'first\n\nline' },
        { mimeType: 'text/plain; charset=utf-8', body: ' second ' },
      ]),
    ).toBe('first line second');
  });

  it('cuts a long text at a whole character, never inside a surrogate pair', () => {
    const excerpt = replyExcerpt([{ mimeType: 'text/plain', body: '😀'.repeat(300) }]);
    expect(Array.from(excerpt)).toHaveLength(200);
    expect(excerpt.endsWith('…')).toBe(true);
    expect(excerpt).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('names a file when the original has no text', () => {
    expect(replyExcerpt([{ mimeType: 'image/png', name: 'cat.png' }])).toBe('cat.png');
    expect(replyExcerpt([])).toBe('');
  });
});

describe('checkMentions', () => {
  it('keeps each participant once, in order', () => {
    expect(checkMentions([ben, ann, ben], [ann, ben])).toEqual({ mentions: [ben, ann], issues: [] });
    expect(checkMentions(undefined, [ann])).toEqual({ mentions: [], issues: [] });
  });

  it('names each mention that is not a participant', () => {
    expect(checkMentions([ben, eve], [ann, ben]).issues).toEqual([
      { path: 'body.mentions.1', message: 'not a participant of this conversation' },
    ]);
  });
});
