import { describe, expect, it } from 'vitest';
import { deviceTtlMs, presenceOf } from './presence-status.js';

describe('presenceOf', () => {
  it('is offline without a live device', () => {
    expect(presenceOf(0, 0)).toBe('offline');
  });
  it('is online while one device is in use, even if others are away', () => {
    expect(presenceOf(2, 1)).toBe('online');
  });
  it('is away when every live device is away', () => {
    expect(presenceOf(2, 2)).toBe('away');
  });
});

describe('deviceTtlMs', () => {
  it('outlives three heartbeats, never less than a second', () => {
    expect(deviceTtlMs(30_000)).toBe(90_000);
    expect(deviceTtlMs(100)).toBe(1000);
  });
});
