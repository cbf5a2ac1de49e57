import type { Redis } from 'ioredis';
import { BusMetrics, type BusMetricsRecorder } from './bus-metrics.js';
import { closeRedis, createFailFastRedis, createSubscriberRedis, whenReady } from './redis-connections.js';

export interface RealtimeFanoutOptions {
  redisUrl: string;
  /** Namespaces the channels, like the bus prefix for keys. */
  prefix: string;
  onError?: (err: unknown) => void;
  /** The service's metrics: messages published. */
  metrics?: BusMetricsRecorder;
}

type Listener = (message: string) => void;
/** Receives the message as Redis sent it, so a payload forwarded as-is is never decoded and encoded again. */
type BufferListener = (message: Buffer) => void;

interface Registration {
  listener: Listener | BufferListener;
  raw: boolean;
}

interface ChannelSubscription {
  listeners: Set<Registration>;
  /** Settles when Redis has answered this channel's SUBSCRIBE. */
  confirmed: Promise<void>;
}

/**
 * Live delivery between service nodes over Redis pub/sub: every node subscribed to a channel gets each
 * message once, and nobody gets it later. That is the point (a socket wants "now", not a backlog) and the
 * limit: a node that is disconnected misses messages, so clients catch up from the durable event log.
 * Durable side effects go through `EventBus` queues instead.
 *
 * One connection publishes (fail-fast, like the bus publisher); one connection is in subscriber mode, which
 * Redis requires to be dedicated, and is shared by every channel of this instance.
 */
export class RealtimeFanout {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channels = new Map<string, ChannelSubscription>();
  private closed = false;
  private readonly published: { inc(labels: Record<string, string>, value?: number): void } | undefined;

  constructor(private readonly opts: RealtimeFanoutOptions) {
    if (!opts.redisUrl) throw new Error('realtime fan-out: redisUrl is required');
    if (!opts.prefix || /\s/.test(opts.prefix))
      throw new Error('realtime fan-out: prefix must be a non-empty word');
    this.publisher = createFailFastRedis(opts.redisUrl, (err) => this.report(err));
    this.subscriber = createSubscriberRedis(opts.redisUrl, (err) => this.report(err));
    // The Buffer event only: ioredis then skips decoding every message, which listeners of raw bytes never need.
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer | undefined) =>
      this.dispatch(channel.toString(), message ?? Buffer.alloc(0)),
    );
    this.published = opts.metrics?.counter(BusMetrics.fanoutPublishes);
  }

  /** Resolves with how many nodes were subscribed to the channel (0: nobody is listening right now). */
  async publish(channel: string, message: string): Promise<number> {
    this.assertOpen();
    await whenReady(this.publisher);
    const receivers = await this.publisher.publish(this.channelKey(channel), message);
    this.published?.inc({});
    return receivers;
  }

  /** Several messages in one round trip (one pipeline); rejects if any of them was refused. */
  async publishMany(items: Array<{ channel: string; message: string }>): Promise<void> {
    this.assertOpen();
    if (items.length === 0) return;
    await whenReady(this.publisher);
    const pipeline = this.publisher.pipeline();
    for (const item of items) pipeline.publish(this.channelKey(item.channel), item.message);
    const results = await pipeline.exec();
    if (!results) throw new Error('realtime fan-out: pipeline aborted');
    for (const [err] of results) if (err) throw err;
    this.published?.inc({}, items.length);
  }

  /**
   * Resolves once Redis has confirmed the SUBSCRIBE, so a message published after that is received.
   * Listeners of a channel share one Redis subscription; the returned function removes this listener and
   * unsubscribes from Redis when it was the last one.
   */
  subscribe(channel: string, listener: Listener): Promise<() => Promise<void>> {
    return this.register(channel, { listener, raw: false });
  }

  /** As `subscribe`, with each message as the bytes Redis delivered (one Buffer shared by every listener). */
  subscribeBuffer(channel: string, listener: BufferListener): Promise<() => Promise<void>> {
    return this.register(channel, { listener, raw: true });
  }

  private async register(channel: string, registration: Registration): Promise<() => Promise<void>> {
    this.assertOpen();
    const key = this.channelKey(channel);
    let entry = this.channels.get(key);
    if (!entry) {
      const confirmed = whenReady(this.subscriber).then(async () => {
        await this.subscriber.subscribe(key);
      });
      entry = { listeners: new Set(), confirmed };
      this.channels.set(key, entry);
    }
    // Each call registers its own object, so the same function subscribed twice is removed one call at a time.
    entry.listeners.add(registration);
    try {
      await entry.confirmed;
    } catch (err) {
      entry.listeners.delete(registration);
      if (this.channels.get(key) === entry) this.channels.delete(key);
      throw err;
    }

    let unsubscribed: Promise<void> | undefined;
    const current = entry;
    return () => {
      unsubscribed ??= this.removeListener(key, current, registration);
      return unsubscribed;
    };
  }

  private async removeListener(
    key: string,
    entry: ChannelSubscription,
    registration: Registration,
  ): Promise<void> {
    entry.listeners.delete(registration);
    if (entry.listeners.size > 0 || this.channels.get(key) !== entry) return;
    this.channels.delete(key);
    if (this.closed || this.subscriber.status !== 'ready') return; // Nothing to undo on a dead connection.
    // Commands on one connection run in order, so a SUBSCRIBE issued after this cannot be overtaken by it.
    await this.subscriber.unsubscribe(key);
  }

  private dispatch(channel: string, message: Buffer): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    let text: string | undefined;
    for (const { listener, raw } of entry.listeners) {
      try {
        if (raw) (listener as BufferListener)(message);
        else (listener as Listener)((text ??= message.toString()));
      } catch (err) {
        // One faulty listener must not starve the others on the channel.
        this.report(err);
      }
    }
  }

  /** Throws when either connection does not answer. */
  async ping(): Promise<void> {
    this.assertOpen();
    await Promise.all([whenReady(this.publisher), whenReady(this.subscriber)]);
    await Promise.all([this.publisher.ping(), this.subscriber.ping()]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    await Promise.allSettled([closeRedis(this.publisher), closeRedis(this.subscriber)]);
  }

  private channelKey(channel: string): string {
    if (!channel) throw new Error('realtime fan-out: channel must be non-empty');
    return `${this.opts.prefix}:rt:${channel}`;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('realtime fan-out: closed');
  }

  private report(err: unknown): void {
    try {
      this.opts.onError?.(err);
    } catch {
      // A throwing error callback must not turn a reported error into a crash.
    }
  }
}
