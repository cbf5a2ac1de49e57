import { describe, expect, it } from 'vitest';
import { ValidationError } from '@parley/service-kit';
import { VoiceCallRecord } from '@parley/protocol';
import { CallEngine } from './call-engine.js';
import { decodeCursor, encodeCursor, toCallRecord } from './call-records.js';

const call = CallEngine.open({
  id: '66666666-6666-4666-8666-666666666666',
  cid: '55555555-5555-4555-8555-555555555555',
  callId: 'c-1',
  customerId: '11111111-1111-4111-8111-111111111111',
  peerInfo: 'sdp',
  now: Date.parse('2026-01-01T10:00:00.000Z'),
});

describe('call detail records', () => {
  it('a ringing call names no operator and has no duration yet', () => {
    const ringing = CallEngine.ring(
      call,
      { id: '22222222-2222-4222-8222-222222222222', displayName: 'B' },
      call.startedAt,
    ).call;
    const record = VoiceCallRecord.parse(toCallRecord(ringing));
    expect(record).toMatchObject({
      state: 'ringing',
      operatorId: null,
      durationSeconds: null,
      endReason: null,
    });
    expect(record.attempts).toHaveLength(1);
  });

  it('a cursor round-trips; anything else is a validation error naming the cursor', () => {
    expect(decodeCursor(encodeCursor(call))).toEqual({ startedAt: '2026-01-01T10:00:00.000Z', id: call.id });
    for (const bad of ['x', Buffer.from('{"startedAt":1}').toString('base64url'), '%%%'])
      expect(() => decodeCursor(bad)).toThrow(ValidationError);
  });
});
