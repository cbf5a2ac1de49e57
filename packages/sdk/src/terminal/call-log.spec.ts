import { CallLogMimeType } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { messageCallLog } from './call-log.js';

const entry = {
  callId: 'c1',
  outcome: 'completed',
  durationSeconds: 133,
  video: false,
  startedAt: '2026-11-28T09:00:00.000Z',
  answeredAt: '2026-11-28T09:00:05.000Z',
  endedAt: '2026-11-28T09:02:18.000Z',
  endReason: 'hangup',
};

describe('messageCallLog', () => {
  it('reads the call a call-log message records', () => {
    expect(messageCallLog({ parts: [{ mimeType: CallLogMimeType, body: JSON.stringify(entry) }] })).toEqual(
      entry,
    );
  });
  it('is undefined for text, a malformed body or one off the schema', () => {
    expect(messageCallLog({ parts: [{ mimeType: 'text/plain', body: 'hi' }] })).toBeUndefined();
    expect(messageCallLog({ parts: [{ mimeType: CallLogMimeType, body: '{' }] })).toBeUndefined();
    expect(
      messageCallLog({
        parts: [{ mimeType: CallLogMimeType, body: JSON.stringify({ ...entry, outcome: 'great' }) }],
      }),
    ).toBeUndefined();
  });
});
