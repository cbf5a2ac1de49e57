/** What one item of a batch came to: its own value or its own error, whatever the others came to. */
export type ItemOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Writes a batch of items of one key; one outcome per item, in the items' order. */
export type BatchWriter<T, R> = (key: string, items: T[]) => Promise<ItemOutcome<R>[]>;

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit per key: at most one batch of a key is being written at a time, and the items that arrive
 * meanwhile go together into the next one. Writers of one conversation wait on its row lock anyway, and
 * every transaction waits for its commit's WAL flush; this way they share one transaction (one lock, one
 * commit, one flush) instead of queueing one by one. An item that finds its key idle is written at once, so
 * batching never delays a lone writer.
 */
export class GroupCommit<T, R> {
  private readonly queues = new Map<string, Waiting<T, R>[]>();

  constructor(
    private readonly write: BatchWriter<T, R>,
    private readonly maxBatch: number,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error('maxBatch must be a positive integer');
  }

  submit(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      const started: Waiting<T, R>[] = [{ item, resolve, reject }];
      this.queues.set(key, started);
      void this.drain(key, started);
    });
  }

  /** Keys with a batch being written, for metrics and tests. */
  get busyKeys(): number {
    return this.queues.size;
  }

  private async drain(key: string, queue: Waiting<T, R>[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      let outcomes: ItemOutcome<R>[];
      try {
        outcomes = await this.write(
          key,
          batch.map((w) => w.item),
        );
        if (outcomes.length !== batch.length)
          throw new Error(`batch writer returned ${outcomes.length} outcomes for ${batch.length} items`);
      } catch (error) {
        outcomes = batch.map(() => ({ ok: false, error }));
      }
      batch.forEach((waiting, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) waiting.resolve(outcome.value);
        else waiting.reject(outcome.error);
      });
    }
    this.queues.delete(key);
  }
}
