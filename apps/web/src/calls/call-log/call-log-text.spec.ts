import { describe, expect, it } from 'vitest';
import { callLogText } from './call-log-text';

describe('callLogText', () => {
  it.each([
    [{ outcome: 'completed', durationSeconds: 133, video: false }, false, 'Call, 2:13'],
    [{ outcome: 'completed', durationSeconds: 45, video: true }, true, 'Video call, 0:45'],
    [{ outcome: 'missed', durationSeconds: 0, video: false }, false, 'Missed call'],
    [{ outcome: 'missed', durationSeconds: 0, video: true }, false, 'Missed video call'],
    [{ outcome: 'missed', durationSeconds: 0, video: false }, true, 'No answer'],
    [{ outcome: 'declined', durationSeconds: 0, video: false }, false, 'Declined call'],
    [{ outcome: 'declined', durationSeconds: 0, video: false }, true, 'Call declined'],
  ] as const)('%o (own: %s) reads "%s"', (call, own, text) => expect(callLogText(call, own)).toBe(text));
});
