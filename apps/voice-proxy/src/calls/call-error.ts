/** Why the proxy refused a signal about a call; nothing changes and nothing is sent. */
export type CallSignalRefusal = 'not_in_call' | 'unexpected_kind' | 'missing_peer_info' | 'unknown_call';

/** A signal the engine will not act on, typed so callers can log it by code instead of guessing. */
export class CallSignalRefusedError extends Error {
  constructor(
    readonly code: CallSignalRefusal,
    message: string,
  ) {
    super(message);
  }
}

export const notInCall = (why: string) => new CallSignalRefusedError('not_in_call', why);
export const unexpectedKind = (why: string) => new CallSignalRefusedError('unexpected_kind', why);
export const missingPeerInfo = (why: string) => new CallSignalRefusedError('missing_peer_info', why);
