import { credentials, Metadata } from '@grpc/grpc-js';
import { WebTerminalServiceClient } from '@parley/protocol/grpc';

/** Thrown when a step gets something other than the message it waits for (or nothing in time). */
export class StepError extends Error {
  constructor(kind, detail) {
    super(detail ? `${kind}: ${detail}` : kind);
    this.kind = kind;
  }
}

/**
 * One terminal: a MultiPipe stream on a connection of its own (as separate devices would have), with an
 * inbox so a step can wait for "the <kind> of call <callId>". An Error or Bye about that call, a broken
 * stream or the step timeout rejects the wait instead.
 */
export function openTerminal(address, headers) {
  const client = new WebTerminalServiceClient(address, credentials.createInsecure(), {
    // Without this, grpc-js multiplexes every client to one address over one shared HTTP/2 connection.
    'grpc.use_local_subchannel_pool': 1,
  });
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  const stream = client.multiPipe(metadata);

  let inbox = [];
  const unexpected = new Map();
  let waiter;
  let broken;
  let closing = false;

  const settle = () => {
    if (!waiter) return;
    if (broken) return waiter.reject(broken);
    const i = inbox.findIndex((m) => m.callId === waiter.callId);
    if (i < 0) return;
    const [message] = inbox.splice(i, 1);
    const kind = message.message?.$case ?? 'none';
    if (kind === waiter.kind) return waiter.resolve(message);
    if (kind === 'error') {
      const { code, message: text } = message.message.value;
      return waiter.reject(new StepError(`error ${code}`, `${text} (waiting for ${waiter.kind})`));
    }
    if (kind === 'bye') {
      return waiter.reject(
        new StepError(`bye ${message.message.value.reason}`, `waiting for ${waiter.kind}`),
      );
    }
    // Something else about this call (not sent in a plain exchange): noted, and the wait goes on.
    unexpected.set(kind, (unexpected.get(kind) ?? 0) + 1);
    settle();
  };

  stream.on('data', (message) => {
    inbox.push(message);
    settle();
  });
  stream.on('error', (err) => {
    if (closing) return;
    broken = new StepError('stream error', `${err.code} ${err.details ?? err.message}`);
    settle();
  });
  stream.on('end', () => {
    if (closing) return;
    broken ??= new StepError('stream ended', 'the server closed the stream');
    settle();
  });

  return {
    get broken() {
      return broken;
    },
    unexpected,
    send(callId, kind, value) {
      stream.write({ callId, message: { $case: kind, value } });
    },
    /** Waits for the next `kind` message about `callId`; one wait at a time per terminal. */
    expect(callId, kind, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(reject, new StepError('timeout', `no ${kind} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const done = (fn, value) => {
          clearTimeout(timer);
          waiter = undefined;
          fn(value);
        };
        waiter = { callId, kind, resolve: (v) => done(resolve, v), reject: (e) => done(reject, e) };
        settle();
      });
    },
    /** Forgets messages left over from earlier calls (after a failed step), noting them as `late <kind>`. */
    clearInbox() {
      for (const m of inbox) {
        const kind = `late ${m.message?.$case ?? 'none'}`;
        unexpected.set(kind, (unexpected.get(kind) ?? 0) + 1);
      }
      inbox = [];
    },
    close() {
      closing = true;
      stream.end();
      client.close();
    },
  };
}
