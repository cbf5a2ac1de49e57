import { describe, expect, it } from 'vitest';
import { callRecordText } from './call-record-text';

describe('callRecordText', () => {
  it.each([
    [{ state: 'ended', endReason: 'completed', durationSeconds: 133 }, 'Answered · 2:13'],
    [{ state: 'ended', endReason: 'no-answer', durationSeconds: 0 }, 'No answer'],
    [{ state: 'ended', endReason: 'busy', durationSeconds: 0 }, 'Nobody free'],
    [{ state: 'ended', endReason: 'caller-cancelled', durationSeconds: 0 }, 'Caller hung up'],
    [{ state: 'ended', endReason: null, durationSeconds: null }, 'Ended'],
    [{ state: 'active', endReason: null, durationSeconds: null }, 'In progress'],
    [{ state: 'ringing', endReason: null, durationSeconds: null }, 'Ringing'],
  ] as const)('%o reads "%s"', (record, text) => expect(callRecordText(record)).toBe(text));
});
