import type { Writable } from 'node:stream';

/**
 * Writes messages to an object-mode stream as fast as the peer reads them and holds the rest here, up to
 * `maxQueuedBytes`. A peer that stops reading would otherwise grow the server's memory without bound (a
 * stream buffers whatever is written to it); past the limit the waiting messages are dropped, nothing more
 * is written, and `onOverflow` decides how the peer is told.
 */
export class BoundedStreamWriter<T> {
  private readonly waiting: T[] = [];
  private waitingBytes = 0;
  private overflowed = false;

  constructor(
    private readonly stream: Writable,
    private readonly sizeOf: (message: T) => number,
    private readonly maxQueuedBytes: number,
    private readonly onOverflow: (queuedBytes: number) => void,
  ) {
    stream.on('drain', () => this.flush());
  }

  /** Bytes waiting for the peer to read (besides the few the stream itself holds). */
  get queuedBytes(): number {
    return this.waitingBytes;
  }

  write(message: T): void {
    if (this.overflowed || this.stream.writableEnded || this.stream.destroyed) return;
    if (this.waiting.length === 0 && !this.stream.writableNeedDrain) {
      this.stream.write(message);
      return;
    }
    this.waiting.push(message);
    this.waitingBytes += this.sizeOf(message);
    if (this.waitingBytes <= this.maxQueuedBytes) return;
    const queued = this.waitingBytes;
    this.overflowed = true;
    this.waiting.length = 0;
    this.waitingBytes = 0;
    this.onOverflow(queued);
  }

  private flush(): void {
    while (this.waiting.length > 0 && !this.overflowed && !this.stream.writableNeedDrain) {
      const message = this.waiting.shift() as T;
      this.waitingBytes -= this.sizeOf(message);
      this.stream.write(message);
    }
  }
}
