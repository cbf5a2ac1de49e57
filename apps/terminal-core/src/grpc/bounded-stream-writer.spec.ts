import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BoundedStreamWriter } from './bounded-stream-writer.js';

/** An object-mode stream whose peer reads only when told to. */
function stalledStream(highWaterMark = 2) {
  const written: string[] = [];
  const pending: Array<() => void> = [];
  const stream = new Writable({
    objectMode: true,
    highWaterMark,
    write(chunk: string, _encoding, callback) {
      written.push(chunk);
      pending.push(callback);
    },
  });
  const readAll = () => {
    while (pending.length > 0) pending.shift()!();
  };
  return { stream, written, readAll };
}

const size = (m: string) => m.length;

describe('BoundedStreamWriter', () => {
  it('passes messages through while the peer keeps up, and holds them in order while it lags', async () => {
    const { stream, written, readAll } = stalledStream();
    const writer = new BoundedStreamWriter(stream, size, 100, () => {
      throw new Error('no overflow expected');
    });
    for (const m of ['a', 'b', 'c', 'd', 'e']) writer.write(m);
    expect(writer.queuedBytes).toBeGreaterThan(0);
    // The peer reads everything it is given until nothing waits any more.
    while (written.length < 5) {
      readAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    readAll();
    expect(written).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(writer.queuedBytes).toBe(0);
  });

  it('gives up on a peer that stopped reading once more than the limit waits, and writes nothing after', () => {
    const { stream, written } = stalledStream();
    const overflows: number[] = [];
    const writer = new BoundedStreamWriter(stream, size, 10, (queued) => overflows.push(queued));
    for (let i = 0; i < 20; i++) writer.write('xxxx');
    expect(overflows).toHaveLength(1);
    expect(overflows[0]).toBeGreaterThan(10);
    expect(writer.queuedBytes).toBe(0);
    const before = written.length;
    writer.write('late');
    expect(written).toHaveLength(before);
  });
});
