import type { WebTerminalMessage } from '@parley/protocol';
import type { TerminalRef } from '../calls/call-record.js';
import { TokenBucket } from './token-bucket.js';

/** One registered terminal on this node: its stream (gRPC or WebSocket), its calls and its rate limit. */
export class TerminalSession {
  readonly calls = new Set<string>();
  readonly bucket: TokenBucket;
  closed = false;
  /** The terminal's messages are handled one after another, in the order they arrived. */
  inbound: Promise<void> = Promise.resolve();

  constructor(
    readonly ref: TerminalRef,
    private readonly write: (message: WebTerminalMessage) => void,
    messagesPerSecond: number,
  ) {
    this.bucket = new TokenBucket(messagesPerSecond);
  }

  /** The call a Pipe terminal is in (Pipe serves one call at a time). */
  get currentCall(): string | undefined {
    return this.calls.values().next().value;
  }

  send(message: WebTerminalMessage): void {
    if (this.closed) return;
    // Pipe terminals ignore call_id; Idle about the msisdn carries none.
    const out =
      this.ref.mode === 'pipe' && message.message?.$case === 'idle' ? { ...message, callId: '' } : message;
    this.write(out);
  }
}
