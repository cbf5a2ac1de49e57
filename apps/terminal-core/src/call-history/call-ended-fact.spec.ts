import { CallEndedEvent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { callEndedEventId, callEndedFact, type FinishedCall } from './call-ended-fact.js';

const call: FinishedCall = {
  id: '5b0f7c1e-8a8e-4d59-9d3c-0a7c1f1d2e3f',
  callerMsisdn: '+4790000001',
  calleeMsisdn: '+4790000002',
  createdAt: Date.parse('2026-11-28T09:00:00Z'),
  answeredAt: Date.parse('2026-11-28T09:00:04Z'),
  endedAt: Date.parse('2026-11-28T09:02:17Z'),
  endReason: 'hangup',
  video: true,
};

describe('callEndedFact', () => {
  it('an answered call becomes a fact that fits the bus schema, times as ISO instants', () => {
    const fact = callEndedFact(call);
    expect(fact).toEqual({
      callId: call.id,
      callerMsisdn: '+4790000001',
      calleeMsisdn: '+4790000002',
      startedAt: '2026-11-28T09:00:00.000Z',
      answeredAt: '2026-11-28T09:00:04.000Z',
      endedAt: '2026-11-28T09:02:17.000Z',
      endReason: 'hangup',
      video: true,
    });
    expect(CallEndedEvent.safeParse(fact).success).toBe(true);
  });

  it('an unanswered call has answeredAt null', () => {
    expect(callEndedFact({ ...call, answeredAt: undefined, endReason: 'no_answer' })?.answeredAt).toBeNull();
  });

  it.each(['self_call', 'invalid_msisdn', 'sdp_too_large'])(
    'a call refused as %s is not reported',
    (reason) => {
      expect(callEndedFact({ ...call, endReason: reason })).toBeUndefined();
    },
  );

  it('a call between the same number is not reported', () => {
    expect(callEndedFact({ ...call, calleeMsisdn: call.callerMsisdn })).toBeUndefined();
  });
});

describe('callEndedEventId', () => {
  it('is one id per call, usable as a bus job id (no ":")', () => {
    expect(callEndedEventId(call.id)).toBe(`call-ended-${call.id}`);
    expect(callEndedEventId('pipe:1')).toBe('call-ended-pipe_1');
  });
});
