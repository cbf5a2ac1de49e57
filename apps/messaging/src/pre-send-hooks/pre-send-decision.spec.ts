import { describe, expect, it } from 'vitest';
import { decidePreSend, GENERIC_REJECT_REASON, UNAVAILABLE_REASON } from './pre-send-decision.js';

const answered = (status: number, body: unknown = '') => ({
  kind: 'answered' as const,
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('decidePreSend', () => {
  it('accepts on accept and on an empty 2xx', () => {
    expect(decidePreSend(answered(200, { action: 'accept' }), 'reject')).toMatchObject({ verdict: 'accept' });
    expect(decidePreSend(answered(204), 'reject')).toMatchObject({ verdict: 'accept', outcome: 'accepted' });
  });

  it("rejects with the hook's reason, or a generic one", () => {
    expect(decidePreSend(answered(200, { action: 'reject', reason: 'no' }), 'accept')).toEqual({
      verdict: 'reject',
      reason: 'no',
      outcome: 'rejected',
    });
    expect(decidePreSend(answered(200, { action: 'reject' }), 'accept')).toMatchObject({
      reason: GENERIC_REJECT_REASON,
    });
  });

  it('rejects any non-2xx, whatever the fallback', () => {
    for (const status of [301, 400, 404, 500, 503])
      expect(decidePreSend(answered(status, { action: 'accept' }), 'accept')).toMatchObject({
        verdict: 'reject',
        outcome: 'rejected_status',
      });
  });

  it('replaces with parts a normal send takes', () => {
    const parts = [{ mimeType: 'text/plain', body: '**** 1111' }];
    expect(decidePreSend(answered(200, { action: 'replace', parts }), 'reject')).toEqual({
      verdict: 'replace',
      parts,
      outcome: 'replaced',
    });
  });

  it('leaves what the hook cannot decide to the fallback', () => {
    const undecided = [
      { kind: 'failed' as const, reason: 'timeout' as const },
      { kind: 'failed' as const, reason: 'network' as const },
      answered(200, 'not json'),
      answered(200, { action: 'maybe' }),
      answered(200, { action: 'replace', parts: [] }),
      answered(200, { action: 'replace', parts: [{ mimeType: 'text/plain' }, 'x'] }),
      answered(200, { action: 'replace', parts: [{ mimeType: 'text/plain', body: 'x'.repeat(2_000_000) }] }),
    ];
    for (const result of undecided) {
      expect(decidePreSend(result, 'accept').verdict).toBe('accept');
      expect(decidePreSend(result, 'reject')).toMatchObject({
        verdict: 'unavailable',
        reason: UNAVAILABLE_REASON,
      });
    }
    expect(decidePreSend(undecided[0]!, 'accept').outcome).toBe('timeout');
  });
});
