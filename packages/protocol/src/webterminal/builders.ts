import {
  Error_Code,
  type WebTerminalMessage,
} from '../generated/messages/wgtwo/webterminal/v0/web_terminal.js';

/** E.164: a plus, a non-zero digit, 7 to 15 digits in all. */
export function isE164(msisdn: string): boolean {
  return /^\+[1-9][0-9]{6,14}$/.test(msisdn);
}

/** Builders for every WebTerminalMessage, so terminals, the core and tests spell them the same way. */
export const TerminalMessages = {
  /** A new call to `msisdn` (from a terminal), the caller's number (from the core), or none: a pull or renegotiation. */
  offer: (callId: string, sdp: string, msisdn?: string): WebTerminalMessage => ({
    callId,
    message: { $case: 'offer', value: { sdp, msisdn: msisdn ? { e164: msisdn } : undefined } },
  }),
  answer: (callId: string, sdp: string): WebTerminalMessage => ({
    callId,
    message: { $case: 'answer', value: { sdp } },
  }),
  ringing: (callId: string): WebTerminalMessage => ({ callId, message: { $case: 'ringing', value: {} } }),
  bye: (callId: string, reason: string): WebTerminalMessage => ({
    callId,
    message: { $case: 'bye', value: { reason } },
  }),
  inCall: (callId: string, msisdn: string): WebTerminalMessage => ({
    callId,
    message: { $case: 'inCall', value: { msisdn: { e164: msisdn } } },
  }),
  idle: (callId: string): WebTerminalMessage => ({ callId, message: { $case: 'idle', value: {} } }),
  error: (callId: string, err: Error_Code, message: string): WebTerminalMessage => ({
    callId,
    message: { $case: 'error', value: { err, message } },
  }),
  toPhone: (callId: string): WebTerminalMessage => ({
    callId,
    message: { $case: 'action', value: { message: { $case: 'toPhone', value: {} } } },
  }),
};
