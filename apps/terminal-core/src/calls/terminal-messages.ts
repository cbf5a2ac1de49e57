import type { WebTerminalMessage } from '@parley/protocol';
import { TerminalErrorCode } from '@parley/protocol';

/** Builders for the messages the core sends, so every place spells them the same way. */
export const TerminalMessages = {
  offer: (callId: string, sdp: string, fromMsisdn: string): WebTerminalMessage => ({
    callId,
    message: { $case: 'offer', value: { sdp, msisdn: { e164: fromMsisdn } } },
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
  error: (callId: string, err: TerminalErrorCode, message: string): WebTerminalMessage => ({
    callId,
    message: { $case: 'error', value: { err, message } },
  }),
};

export { TerminalErrorCode };
