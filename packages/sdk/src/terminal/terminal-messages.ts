import { TerminalErrorCode, WebTerminalMessage } from '@parley/protocol';

/** One frame of the terminal bridge: a WebTerminalMessage in protobuf's canonical JSON. */
export function encodeTerminalMessage(message: WebTerminalMessage): string {
  return JSON.stringify(WebTerminalMessage.toJSON(message));
}

/**
 * A frame from the bridge, or undefined when it is not JSON or carries no known message kind (a newer core
 * may send kinds this SDK does not know; they are skipped, never fatal).
 */
export function decodeTerminalMessage(data: string): WebTerminalMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const message = WebTerminalMessage.fromJSON(json);
  return message.message ? message : undefined;
}

/** Builders for what a terminal sends, so every place spells them the same way. */
export const TerminalMessages = {
  /** A new call to `msisdn`, or (no msisdn) a pull of another device's call / a renegotiation. */
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
  toPhone: (callId: string): WebTerminalMessage => ({
    callId,
    message: { $case: 'action', value: { message: { $case: 'toPhone', value: {} } } },
  }),
};

/** The error code's protobuf name (`INVALID_CALL_ID`), as canonical JSON spells it. */
export function terminalErrorName(code: TerminalErrorCode): string {
  return TerminalErrorCode[code] ?? 'UNKNOWN';
}

/** E.164: a plus, a non-zero digit, 7 to 15 digits in all. */
export function isE164(msisdn: string): boolean {
  return /^\+[1-9][0-9]{6,14}$/.test(msisdn);
}

/** Tolerates spaces, dashes, dots and brackets in typed numbers: "+47 900 00 002" → "+4790000002". */
export function normalizeMsisdn(input: string): string {
  return input.trim().replace(/[\s\-.()]/g, '');
}
