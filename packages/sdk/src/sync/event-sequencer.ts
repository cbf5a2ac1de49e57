export interface SeqGap {
  fromSeq: number;
  toSeq: number;
}

/**
 * Orders one conversation's events by seq. Events may arrive live, replayed, twice, or out of order; the
 * sequencer releases each seq exactly once and only after every seq before it, and names the gap that
 * must be fetched when a later event arrived first.
 */
export class EventSequencer<E extends { seq: number }> {
  private readonly pending = new Map<number, E>();

  constructor(private applied: number) {}

  get appliedSeq(): number {
    return this.applied;
  }

  /** Takes events in any order and returns the ones that can be applied now, in seq order. */
  offer(events: Iterable<E>): E[] {
    for (const event of events) {
      if (event.seq <= this.applied || this.pending.has(event.seq)) continue;
      this.pending.set(event.seq, event);
    }
    return this.drain();
  }

  /** The seqs missing before the earliest buffered event, or null when nothing waits. */
  gap(): SeqGap | null {
    if (this.pending.size === 0) return null;
    const first = Math.min(...this.pending.keys());
    return { fromSeq: this.applied + 1, toSeq: first - 1 };
  }

  /** Missing seqs up to `lastSeq` (known from the server), including any before buffered events. */
  gapUpTo(lastSeq: number): SeqGap | null {
    const gap = this.gap();
    if (gap) return gap;
    return lastSeq > this.applied ? { fromSeq: this.applied + 1, toSeq: lastSeq } : null;
  }

  /** Skips ahead (the server said to start from the latest state): older buffered events are dropped. */
  resetTo(seq: number): E[] {
    this.applied = Math.max(this.applied, seq);
    for (const key of [...this.pending.keys()]) if (key <= this.applied) this.pending.delete(key);
    return this.drain();
  }

  private drain(): E[] {
    const ready: E[] = [];
    for (;;) {
      const next = this.pending.get(this.applied + 1);
      if (!next) return ready;
      this.pending.delete(next.seq);
      this.applied = next.seq;
      ready.push(next);
    }
  }
}
