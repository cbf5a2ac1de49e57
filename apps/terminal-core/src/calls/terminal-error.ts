import { TerminalErrorCode } from '@parley/protocol';

/** A message a terminal sent that the core refuses; answered with an Error of this code, nothing else changes. */
export class TerminalProtocolError extends Error {
  constructor(
    readonly code: TerminalErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const notInCall = (why: string) => new TerminalProtocolError(TerminalErrorCode.NOT_INCALL, why);
export const invalidCallId = (why: string) =>
  new TerminalProtocolError(TerminalErrorCode.INVALID_CALL_ID, why);
export const tryAgain = (why: string) => new TerminalProtocolError(TerminalErrorCode.TRY_AGAIN, why);
export const unknownMessage = (why: string) => new TerminalProtocolError(TerminalErrorCode.UNKNOWN, why);
