import type { TerminalError } from '@parley/sdk';

/** What the user reads when the core refuses a call action, by the core's error code. */
const ERROR_TEXT: Record<string, string> = {
  // The core answers this for a passing state (an Offer under way, its directory briefly unreachable):
  // its own reason is for developers, the advice is the same.
  TRY_AGAIN: 'The call service could not do that just now. Try again in a moment.',
  INVALID_CALL_ID: 'That call no longer exists.',
  NOT_INCALL: 'That call is not on this device.',
  RATE_LIMIT_HIT: 'Too many call actions. Slow down a little.',
  MEDIA: 'Camera or microphone problem',
};

export function callErrorText(err: Pick<TerminalError, 'code' | 'message'>): string {
  const base = ERROR_TEXT[err.code] ?? 'The call service refused that';
  return err.message && err.code !== 'TRY_AGAIN' ? `${base.replace(/\.$/, '')}: ${err.message}` : base;
}
