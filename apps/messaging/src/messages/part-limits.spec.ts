import { describe, expect, it } from 'vitest';
import { MessagingLimits } from '@parley/protocol';
import { findPartSizeViolation } from './part-limits.js';
import { findPartContentIssues } from './part-content.js';

describe('message part limits', () => {
  it('accepts parts within the limits', () => {
    expect(findPartSizeViolation([{ mimeType: 'text/plain', body: 'hi' }])).toBeUndefined();
  });

  it('names the oversize part, counting UTF-8 bytes not characters', () => {
    const body = 'é'.repeat(MessagingLimits.maxPartBodyBytes / 2 + 1);
    expect(
      findPartSizeViolation([
        { mimeType: 'text/plain', body: 'ok' },
        { mimeType: 'text/plain', body },
      ]),
    ).toMatchObject({ part: 1 });
  });

  it('limits the message as a whole', () => {
    const body = 'x'.repeat(MessagingLimits.maxPartBodyBytes);
    const parts = Array.from({ length: 5 }, () => ({ mimeType: 'text/plain', body }));
    expect(findPartSizeViolation(parts)).toMatchObject({ limit: MessagingLimits.maxMessageBytes });
  });
});

describe('message part content', () => {
  it('requires JSON bodies for application/json', () => {
    expect(findPartContentIssues([{ mimeType: 'application/json', body: '{nope' }])).toEqual([
      { path: 'body.parts.0.body', message: 'application/json body must be JSON' },
    ]);
  });

  it('checks the shape of application/voip-link bodies', () => {
    const good = JSON.stringify({ provider: 'parley', callId: 'c-1', joinUrl: 'https://example.test/j/c-1' });
    expect(findPartContentIssues([{ mimeType: 'application/voip-link', body: good }])).toEqual([]);
    const bad = JSON.stringify({ provider: 'parley' });
    expect(findPartContentIssues([{ mimeType: 'application/voip-link', body: bad }])[0]?.path).toBe(
      'body.parts.0.body.callId',
    );
  });
});
