import { describe, expect, it } from 'vitest';
import type { SendVoiceSignalRequest, VoiceSignal } from '@parley/protocol';
import { ParleyApiError } from '../http/api-error.js';
import { SendVoiceSignalRequest as SendVoiceSignalRequestSchema } from '@parley/protocol';
import { randomSignalId, Voice } from './voice.js';

const CID = '0b9f2c1e-8f5e-4d6a-9a51-5a7c2d0e0001';
const ANN = '0b9f2c1e-8f5e-4d6a-9a51-5a7c2d0e00aa';
const BEN = '0b9f2c1e-8f5e-4d6a-9a51-5a7c2d0e00bb';
let nextId = 0;
const signalId = () => `0b9f2c1e-8f5e-4d6a-9a51-${String(++nextId).padStart(12, '0')}`;

function signal(overrides: Partial<VoiceSignal>): VoiceSignal {
  return {
    id: signalId(),
    kind: 'start',
    iss: ANN,
    issKind: 'user',
    to: BEN,
    toKind: 'user',
    cid: CID,
    call_id: 'call-1',
    sentAt: '2026-11-28T10:00:00.000Z',
    ...overrides,
  };
}

/** A Voice whose sends answer from a script (an error or a success, in order) and are recorded. */
function voiceWith(...answers: (Error | 'ok')[]) {
  const sent: SendVoiceSignalRequest[] = [];
  const errors: Error[] = [];
  const voice = new Voice({
    send: async (request) => {
      sent.push(request);
      const answer = answers.shift() ?? 'ok';
      if (answer instanceof Error) throw answer;
      return {
        signal: { ...signal({}), ...request, id: request.id!, iss: ANN, issKind: 'user', toKind: 'user' },
        delivered: true,
      };
    },
    onHandlerError: (err) => errors.push(err),
    retry: { minDelayMs: 0, maxDelayMs: 0 },
  });
  return { voice, sent, errors };
}

describe('Voice: receiving', () => {
  it('calls start and accept handlers with issuer, cid, call id, peer info, data and the signal', () => {
    const { voice } = voiceWith();
    const calls: unknown[][] = [];
    voice.onStart((...args) => void calls.push(['start', ...args]));
    voice.onAccept((...args) => void calls.push(['accept', ...args]));
    const start = signal({ kind: 'start', peer_info: 'v=0 offer', data: { operator_name: 'Bob' } });
    const accept = signal({ kind: 'accept', iss: BEN, to: ANN, peer_info: 'v=0 answer' });
    voice.receive(start);
    voice.receive(accept);
    expect(calls).toEqual([
      ['start', ANN, CID, 'call-1', 'v=0 offer', { operator_name: 'Bob' }, start],
      ['accept', BEN, CID, 'call-1', 'v=0 answer', undefined, accept],
    ]);
  });

  it('calls setup, busy, stop and summary handlers with issuer, cid, call id, data and the signal', () => {
    const { voice } = voiceWith();
    const calls: unknown[][] = [];
    voice.onSetup((...args) => void calls.push(['setup', ...args]));
    voice.onBusy((...args) => void calls.push(['busy', ...args]));
    voice.onStop((...args) => void calls.push(['stop', ...args]));
    voice.onSummary((...args) => void calls.push(['summary', ...args]));
    const signals = [
      signal({ kind: 'setup', data: { caller_name: 'Ann' } }),
      signal({ kind: 'busy' }),
      signal({ kind: 'stop' }),
      signal({ kind: 'summary', data: { duration_seconds: 42 } }),
    ];
    for (const s of signals) voice.receive(s);
    expect(calls).toEqual([
      ['setup', ANN, CID, 'call-1', { caller_name: 'Ann' }, signals[0]],
      ['busy', ANN, CID, 'call-1', undefined, signals[1]],
      ['stop', ANN, CID, 'call-1', undefined, signals[2]],
      ['summary', ANN, CID, 'call-1', { duration_seconds: 42 }, signals[3]],
    ]);
  });

  it('fires handlers once for a signal that arrives twice with the same id', () => {
    const { voice } = voiceWith();
    const stops: string[] = [];
    voice.onStop((_iss, _cid, callId) => void stops.push(callId));
    const stop = signal({ kind: 'stop' });
    voice.receive(stop);
    voice.receive({ ...stop });
    voice.receive(signal({ kind: 'stop', call_id: 'call-2' }));
    expect(stops).toEqual(['call-1', 'call-2']);
  });

  it('stops calling a handler once unsubscribed, and only that one', () => {
    const { voice } = voiceWith();
    const seen: string[] = [];
    const off = voice.onBusy(() => void seen.push('first'));
    voice.onBusy(() => void seen.push('second'));
    off();
    voice.receive(signal({ kind: 'busy' }));
    expect(seen).toEqual(['second']);
  });

  it('reports a handler that throws or rejects and still runs the others', async () => {
    const { voice, errors } = voiceWith();
    const seen: string[] = [];
    voice.onStart(() => {
      throw new Error('thrown');
    });
    voice.onStart(async () => {
      throw new Error('rejected');
    });
    voice.onStart(() => void seen.push('ran'));
    voice.receive(signal({ kind: 'start' }));
    await Promise.resolve();
    expect(seen).toEqual(['ran']);
    expect(errors.map((e) => e.message).sort()).toEqual(['rejected', 'thrown']);
  });
});

describe('Voice: sending', () => {
  it('sends each kind with the fields the protocol names and a fresh id each time', async () => {
    const { voice, sent } = voiceWith();
    await voice.start(BEN, CID, 'call-1', 'v=0 offer', { operator_name: 'Bob' });
    await voice.accept(BEN, CID, 'call-1', 'v=0 answer');
    await voice.busy(BEN, CID, 'call-1');
    await voice.stop(BEN, CID, 'call-1', { reason: 'hangup' });
    await voice.setup(BEN, CID, 'call-1', { caller_name: 'Ann' });
    await voice.summary(BEN, CID, 'call-1', { duration_seconds: 3 });
    const withoutIds = sent.map(({ id: _id, ...rest }) => rest);
    expect(withoutIds).toEqual([
      {
        kind: 'start',
        to: BEN,
        cid: CID,
        call_id: 'call-1',
        peer_info: 'v=0 offer',
        data: { operator_name: 'Bob' },
      },
      { kind: 'accept', to: BEN, cid: CID, call_id: 'call-1', peer_info: 'v=0 answer' },
      { kind: 'busy', to: BEN, cid: CID, call_id: 'call-1' },
      { kind: 'stop', to: BEN, cid: CID, call_id: 'call-1', data: { reason: 'hangup' } },
      { kind: 'setup', to: BEN, cid: CID, call_id: 'call-1', data: { caller_name: 'Ann' } },
      { kind: 'summary', to: BEN, cid: CID, call_id: 'call-1', data: { duration_seconds: 3 } },
    ]);
    const ids = sent.map((r) => r.id);
    expect(new Set(ids).size).toBe(6);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries a send that got no answer or a 5xx with the same id', async () => {
    const { voice, sent } = voiceWith(
      new ParleyApiError(0, 'network error', 'network_error'),
      new ParleyApiError(503, 'unavailable'),
    );
    const res = await voice.stop(BEN, CID, 'call-1');
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => r.id)).size).toBe(1);
    expect(res.signal.id).toBe(sent[0]!.id);
  });

  it('rejects at once with the typed error when the server refuses the signal', async () => {
    const refused = new ParleyApiError(403, 'not a participant of the conversation', 'forbidden');
    const { voice, sent } = voiceWith(refused);
    await expect(voice.busy(BEN, CID, 'call-1')).rejects.toBe(refused);
    expect(sent).toHaveLength(1);
  });
});

describe('randomSignalId', () => {
  it('is a UUID the protocol accepts, also where crypto.randomUUID is missing (plain-http pages)', () => {
    const valid = (id: string) =>
      SendVoiceSignalRequestSchema.safeParse({ kind: 'stop', to: BEN, cid: CID, call_id: 'c', id }).success;
    expect(valid(randomSignalId())).toBe(true);
    // Node's randomUUID lives on Crypto.prototype: an own property hides it, deleting that brings it back.
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      const ids = Array.from({ length: 50 }, () => randomSignalId());
      expect(ids.every(valid)).toBe(true);
      expect(new Set(ids).size).toBe(50);
    } finally {
      delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(typeof globalThis.crypto.randomUUID).toBe('function');
  });
});
