import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  assertInviteTransition,
  canTransition,
  decideAfterTry,
  IllegalInviteTransitionError,
  planRings,
  ringJobId,
  ringJobKind,
  ringJobsOf,
  stopSignalId,
  trySignalId,
} from './invite-rules.js';

describe('invite rules', () => {
  it('rings 3 times within 30 s and gives up at the end of the window', () => {
    const schedule = planRings(3, 30_000);
    expect(schedule).toEqual({ tryDelaysMs: [0, 12_000, 24_000], missedAfterMs: 30_000 });
    expect(ringJobsOf(schedule)).toEqual([
      { ring: 2, delayMs: 12_000 },
      { ring: 3, delayMs: 24_000 },
      { ring: 4, delayMs: 30_000 },
    ]);
    expect(ringJobKind(3, 3)).toBe('try');
    expect(ringJobKind(4, 3)).toBe('give-up');
  });

  it('keeps every try inside a short window and a single try at once', () => {
    const { tryDelaysMs, missedAfterMs } = planRings(3, 1500);
    expect(tryDelaysMs.every((d) => d < missedAfterMs)).toBe(true);
    expect(planRings(1, 5000)).toEqual({ tryDelaysMs: [0], missedAfterMs: 5000 });
    expect(() => planRings(0, 5000)).toThrow(/tries/);
    expect(() => planRings(3, 0)).toThrow(/window/);
  });

  it('ignores "not available" and stops at a refusal', () => {
    expect(decideAfterTry({ kind: 'not-available' })).toEqual({ stop: false });
    expect(decideAfterTry({ kind: 'delivered' })).toEqual({ stop: false });
    expect(decideAfterTry({ kind: 'refused', error: '403 forbidden' })).toEqual({
      stop: true,
      lastError: '403 forbidden',
    });
  });

  it('lets an invite end once, from inviting only', () => {
    expect(canTransition('inviting', 'missed')).toBe(true);
    expect(canTransition('answered', 'missed')).toBe(false);
    expect(() => assertInviteTransition('missed', 'answered')).toThrow(IllegalInviteTransitionError);
  });

  it('derives stable ids a bus and messaging accept', () => {
    const invite = '5b0c5e0e-8f0c-4c83-9a8e-0b8f6f0f9a11';
    expect(trySignalId(invite, 2)).toBe(trySignalId(invite, 2));
    expect(trySignalId(invite, 2)).not.toBe(trySignalId(invite, 3));
    expect(z.uuid().safeParse(trySignalId(invite, 2)).success).toBe(true);
    expect(z.uuid().safeParse(stopSignalId(invite)).success).toBe(true);
    expect(stopSignalId(invite)).not.toBe(trySignalId(invite, 1));
    expect(ringJobId(invite, 2)).not.toContain(':');
  });
});
