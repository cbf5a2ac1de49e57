import { describe, expect, it } from 'vitest';
import { relayBackoffMs } from './relay-backoff.js';

describe('relayBackoffMs', () => {
  it('does not wait before the first attempt', () => {
    expect(relayBackoffMs(0)).toBe(0);
  });
  it('doubles with each failure, within jitter bounds', () => {
    expect(relayBackoffMs(1, 100, 10_000, () => 1)).toBe(100);
    expect(relayBackoffMs(3, 100, 10_000, () => 1)).toBe(400);
    expect(relayBackoffMs(3, 100, 10_000, () => 0)).toBe(200);
  });
  it('never exceeds the cap', () => {
    expect(relayBackoffMs(40, 100, 5_000, () => 1)).toBe(5_000);
  });
});
