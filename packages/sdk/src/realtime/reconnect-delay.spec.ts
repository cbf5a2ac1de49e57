import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './reconnect-delay.js';

describe('reconnectDelayMs', () => {
  it('grows with attempts and never exceeds the cap', () => {
    expect(reconnectDelayMs(0, 250, 15_000, () => 1)).toBe(250);
    expect(reconnectDelayMs(3, 250, 15_000, () => 1)).toBe(2000);
    expect(reconnectDelayMs(30, 250, 15_000, () => 1)).toBe(15_000);
  });
  it('spreads devices with jitter, never below the minimum', () => {
    expect(reconnectDelayMs(3, 250, 15_000, () => 0)).toBe(250);
    expect(reconnectDelayMs(3, 250, 15_000, () => 0.5)).toBe(1125);
  });
});
