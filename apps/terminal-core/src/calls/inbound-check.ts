import { MAX_SDP_BYTES, type WebTerminalMessage } from '@parley/protocol';
import { invalidCallId, unknownMessage } from './terminal-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** Kinds a terminal may send; the others only ever flow from the core. */
const FROM_TERMINAL = new Set(['offer', 'answer', 'ringing', 'bye', 'action']);

/** Checks what holds for any message from a terminal, before any call is looked up. */
export function checkInbound(message: WebTerminalMessage, mode: 'pipe' | 'multi'): void {
  const kind = message.message?.$case;
  if (!kind) throw unknownMessage('the message has no known kind');
  if (!FROM_TERMINAL.has(kind)) throw unknownMessage(`a terminal does not send ${kind}`);
  if (mode === 'multi' && !isUuid(message.callId))
    throw invalidCallId('MultiPipe needs a UUID call_id on every message');
}

export function sdpOf(message: WebTerminalMessage): string | undefined {
  const m = message.message;
  if (m?.$case === 'offer' || m?.$case === 'answer') return m.value.sdp;
  return undefined;
}

export function sdpTooLarge(message: WebTerminalMessage): boolean {
  const sdp = sdpOf(message);
  return sdp !== undefined && Buffer.byteLength(sdp, 'utf8') > MAX_SDP_BYTES;
}
