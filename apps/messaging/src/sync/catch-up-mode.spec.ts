import { describe, expect, it } from 'vitest';
import { chooseCatchUpMode } from './catch-up-mode.js';

describe('chooseCatchUpMode', () => {
  it('replays a small gap', () => {
    expect(chooseCatchUpMode(120, 100, 5000)).toEqual({ mode: 'replay', gap: 20 });
  });
  it('replays nothing when up to date', () => {
    expect(chooseCatchUpMode(100, 100, 5000)).toEqual({ mode: 'replay', gap: 0 });
  });
  it('tells a device that was away too long to reset', () => {
    expect(chooseCatchUpMode(10_000, 10, 5000)).toMatchObject({ mode: 'reset', gap: 9990 });
  });
  it('resets a device whose seq is ahead of the server', () => {
    expect(chooseCatchUpMode(5, 9, 5000)).toMatchObject({ mode: 'reset' });
  });
});
