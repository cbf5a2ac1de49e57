import { describe, expect, it } from 'vitest';
import { EventSequencer } from './event-sequencer.js';

const ev = (...seqs: number[]) => seqs.map((seq) => ({ seq, id: `e${seq}` }));

describe('EventSequencer', () => {
  it('releases contiguous events in order', () => {
    const s = new EventSequencer(0);
    expect(s.offer(ev(1, 2, 3)).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(s.appliedSeq).toBe(3);
  });

  it('holds events after a gap and names the gap', () => {
    const s = new EventSequencer(3);
    expect(s.offer(ev(6, 7))).toEqual([]);
    expect(s.gap()).toEqual({ fromSeq: 4, toSeq: 5 });
    expect(s.offer(ev(5, 4)).map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(s.gap()).toBeNull();
  });

  it('drops duplicates, whether already applied or already buffered', () => {
    const s = new EventSequencer(2);
    expect(s.offer(ev(1, 2))).toEqual([]);
    s.offer(ev(5));
    s.offer(ev(5));
    expect(s.offer(ev(3, 4, 3)).map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('releases every seq exactly once whatever the arrival order', () => {
    const s = new EventSequencer(0);
    const order = [5, 3, 9, 1, 2, 2, 8, 4, 7, 6, 10, 1, 9];
    const released = order.flatMap((seq) => s.offer(ev(seq)).map((e) => e.seq));
    expect(released).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('knows the gap up to the server lastSeq when nothing is buffered', () => {
    const s = new EventSequencer(10);
    expect(s.gapUpTo(10)).toBeNull();
    expect(s.gapUpTo(15)).toEqual({ fromSeq: 11, toSeq: 15 });
  });

  it('skips ahead on reset and keeps buffered events after the new start', () => {
    const s = new EventSequencer(1);
    s.offer(ev(5000, 5002));
    expect(s.resetTo(5001).map((e) => e.seq)).toEqual([5002]);
    expect(s.appliedSeq).toBe(5002);
  });
});
