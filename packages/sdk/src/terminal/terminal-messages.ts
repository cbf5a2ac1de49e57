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

// The builders and the E.164 check are the wire contract's, shared with the core.
export { TerminalMessages, isE164 } from '@parley/protocol';

/** The error code's protobuf name (`INVALID_CALL_ID`), as canonical JSON spells it. */
export function terminalErrorName(code: TerminalErrorCode): string {
  return TerminalErrorCode[code] ?? 'UNKNOWN';
}

/** Tolerates spaces, dashes, dots and brackets in typed numbers: "+47 900 00 002" → "+4790000002". */
export function normalizeMsisdn(input: string): string {
  return input.trim().replace(/[\s\-.()]/g, '');
}
