import { describe, expect, it } from 'vitest';
import { ReactionEmoji, isSingleEmoji, normalizeEmoji, replyExcerpt } from './reactions.js';

describe('ReactionEmoji', () => {
  it('takes exactly one emoji grapheme', () => {
    for (const emoji of ['👍', '❤️', '👨‍👩‍👧‍👦', '🇳🇴', '👍🏽', '1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'])
      expect(ReactionEmoji.safeParse(emoji).success, emoji).toBe(true);
    for (const bad of ['', 'a', '1', '👍👍', '👍 ', ' 👍', '<b>', ':+1:', '\u200d', '🇳', 'x'.repeat(40)])
      expect(ReactionEmoji.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('stores a bare pictograph as its emoji form, so both spellings are one reaction', () => {
    expect(normalizeEmoji('\u2764')).toBe('\u2764\uFE0F');
    expect(ReactionEmoji.parse('\u2764')).toBe('\u2764\uFE0F');
    expect(normalizeEmoji('👍')).toBe('👍');
    expect(isSingleEmoji('\u2764')).toBe(false);
  });
});

describe('replyExcerpt', () => {
  it('joins text parts on one line and cuts at a whole character', () => {
    expect(replyExcerpt([{ mimeType: 'text/plain', body: 'a\n\n b' }])).toBe('a b');
    const long = replyExcerpt([{ mimeType: 'text/plain', body: '🙂'.repeat(250) }]);
    expect(Array.from(long)).toHaveLength(200);
    expect(replyExcerpt([{ mimeType: 'image/png', name: 'cat.png' }])).toBe('cat.png');
  });
});
