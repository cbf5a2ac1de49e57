import { describe, expect, it } from 'vitest';
import { callErrorText } from './call-error-text';

describe('callErrorText', () => {
  it.each([
    [
      'TRY_AGAIN',
      'signalling is unavailable right now; try again',
      'The call service could not do that just now. Try again in a moment.',
    ],
    [
      'TRY_AGAIN',
      'another offer is being negotiated',
      'The call service could not do that just now. Try again in a moment.',
    ],
    ['INVALID_CALL_ID', 'no such call', 'That call no longer exists: no such call'],
    ['MEDIA', 'Permission denied', 'Camera or microphone problem: Permission denied'],
    ['SOMETHING_NEW', '', 'The call service refused that'],
  ])('%s (%s) reads "%s"', (code, message, text) => expect(callErrorText({ code, message })).toBe(text));
});
