import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sendLaneCount, sendLaneOf } from './send-lanes.js';

describe('send lanes', () => {
  it('puts every send of a conversation in the same lane', () => {
    const id = randomUUID();
    expect(new Set(Array.from({ length: 5 }, () => sendLaneOf(id, 4))).size).toBe(1);
  });

  it('spreads conversations over every configured lane on PostgreSQL, and over one on PGlite', () => {
    const ids = Array.from({ length: 200 }, () => randomUUID());
    expect(new Set(ids.map((id) => sendLaneOf(id, sendLaneCount('postgres', 4))))).toEqual(
      new Set(['0', '1', '2', '3']),
    );
    expect(new Set(ids.map((id) => sendLaneOf(id, sendLaneCount('postgres', 1))))).toEqual(new Set(['0']));
    expect(new Set(ids.map((id) => sendLaneOf(id, sendLaneCount('pglite', 4))))).toEqual(new Set(['0']));
  });
});
