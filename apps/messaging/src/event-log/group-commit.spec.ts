import { describe, expect, it } from 'vitest';
import { GroupCommit, type ItemOutcome } from './group-commit.js';

/** A writer whose batches finish when the test says so, recording what each batch held. */
function controlledWriter() {
  const batches: Array<{ key: string; items: number[]; finish: () => void; fail: (e: Error) => void }> = [];
  const write = (key: string, items: number[]) =>
    new Promise<ItemOutcome<string>[]>((resolve, reject) => {
      batches.push({
        key,
        items,
        finish: () =>
          resolve(
            items.map((n) =>
              n < 0 ? { ok: false, error: new Error(`refused ${n}`) } : { ok: true, value: `${key}:${n}` },
            ),
          ),
        fail: reject,
      });
    });
  return { batches, write };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes a lone item at once and batches what arrives while a batch is being written', async () => {
    const { batches, write } = controlledWriter();
    const commits = new GroupCommit(write, 10);
    const first = commits.submit('a', 1);
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => commits.submit('a', n));
    batches[0]!.finish();
    expect(await first).toBe('a:1');
    await settle();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.finish();
    expect(await Promise.all(later)).toEqual(['a:2', 'a:3', 'a:4']);
    expect(commits.busyKeys).toBe(0);
  });

  it('keeps keys apart: another key does not wait', () => {
    const { batches, write } = controlledWriter();
    const commits = new GroupCommit(write, 10);
    void commits.submit('a', 1);
    void commits.submit('b', 2);
    expect(batches.map((b) => [b.key, b.items])).toEqual([
      ['a', [1]],
      ['b', [2]],
    ]);
    expect(commits.busyKeys).toBe(2);
  });

  it('splits a backlog into batches of at most maxBatch', async () => {
    const { batches, write } = controlledWriter();
    const commits = new GroupCommit(write, 2);
    const all = [1, 2, 3, 4, 5].map((n) => commits.submit('a', n));
    for (let i = 0; i < 3; i++) {
      batches[i]!.finish();
      await settle();
    }
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3], [4, 5]]);
    expect(await Promise.all(all)).toEqual(['a:1', 'a:2', 'a:3', 'a:4', 'a:5']);
  });

  it('rejects only the item whose outcome failed', async () => {
    const { batches, write } = controlledWriter();
    const commits = new GroupCommit(write, 10);
    const first = commits.submit('a', 1);
    const good = commits.submit('a', 2);
    const bad = commits.submit('a', -3);
    batches[0]!.finish();
    await first;
    await settle();
    batches[1]!.finish();
    expect(await good).toBe('a:2');
    await expect(bad).rejects.toThrow('refused -3');
  });

  it('rejects every item of a batch whose write threw, and goes on with the next batch', async () => {
    const { batches, write } = controlledWriter();
    const commits = new GroupCommit(write, 10);
    const first = commits.submit('a', 1);
    const second = commits.submit('a', 2);
    batches[0]!.fail(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await settle();
    batches[1]!.finish();
    expect(await second).toBe('a:2');
  });

  it('refuses a writer that returns the wrong number of outcomes', async () => {
    const commits = new GroupCommit<number, string>(async () => [], 10);
    await expect(commits.submit('a', 1)).rejects.toThrow('0 outcomes for 1 items');
  });
});
