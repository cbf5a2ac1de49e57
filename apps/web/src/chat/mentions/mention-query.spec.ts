import { describe, expect, it } from 'vitest';
import { activeMentionQuery, applyMention, mentionCandidates, mentionedUserIds } from './mention-query';

const people = [
  { userId: 'u-me', username: 'alice', displayName: 'Alice Liddell' },
  { userId: 'u-bob', username: 'bob', displayName: 'Bob Builder' },
  { userId: 'u-bea', username: 'bea.t', displayName: 'Beatrice' },
  { userId: 'u-carol', username: 'carol', displayName: 'Carol Bishop' },
];

describe('mention autocomplete', () => {
  it('finds the @query before the caret, not inside an e-mail address', () => {
    expect(activeMentionQuery('hi @bo', 6)).toEqual({ query: 'bo', start: 3 });
    expect(activeMentionQuery('@', 1)).toEqual({ query: '', start: 0 });
    expect(activeMentionQuery('mail me@bob', 11)).toBeNull();
    expect(activeMentionQuery('hi @bob there', 13)).toBeNull();
  });

  it('offers participants by username, then by a display name word, never me', () => {
    expect(mentionCandidates(people, 'b', 'u-me').map((p) => p.username)).toEqual(['bea.t', 'bob', 'carol']);
    expect(mentionCandidates(people, 'al', 'u-me')).toEqual([]);
  });

  it('inserts the username and reports the mentioned participants of the final text', () => {
    const done = applyMention('hey @bo how', { query: 'bo', start: 4 }, 'bob');
    expect(done).toEqual({ text: 'hey @bob  how', caret: 9 });
    expect(mentionedUserIds('@bob and @bea.t, not @bobby or x@carol', people)).toEqual(['u-bob', 'u-bea']);
  });
});
