import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newEvent } from '../test/conversation-events.js';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../test/redis-test-env.js';
import {
  BusMetrics,
  EventBus,
  RealtimeFanout,
  Topics,
  UnrecoverableError,
  type BusMetricsRecorder,
} from './index.js';

/** A recorder as a service's registry would be, keeping counts and samplers by metric name. */
class RecordingMetrics implements BusMetricsRecorder {
  readonly counts = new Map<string, number>();
  readonly samplers = new Map<
    string,
    () => Promise<ReadonlyArray<{ labels: Record<string, string>; value: number }>>
  >();

  counter(def: { name: string }) {
    return {
      inc: (labels: Record<string, string>, value = 1) => {
        const key = `${def.name}${JSON.stringify(labels)}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + value);
      },
    };
  }

  sample(
    def: { name: string },
    read: () => Promise<ReadonlyArray<{ labels: Record<string, string>; value: number }>>,
  ) {
    this.samplers.set(def.name, read);
  }

  count(name: string, labels: Record<string, string>): number {
    return this.counts.get(`${name}${JSON.stringify(labels)}`) ?? 0;
  }
}

const prefix = uniquePrefix('bus-metrics');
const metrics = new RecordingMetrics();
let bus: EventBus;
let fanout: RealtimeFanout;

beforeAll(() => {
  bus = new EventBus({ redisUrl: testRedisUrl, prefix, metrics });
  fanout = new RealtimeFanout({ redisUrl: testRedisUrl, prefix, metrics });
});
afterAll(async () => {
  await Promise.all([bus.close(), fanout.close()]);
  await deleteKeysWithPrefix(prefix);
});

describe('bus metrics', () => {
  it('count failed attempts and dead letters by queue, and sample the depth of the queues this process works on', async () => {
    await bus.subscribe(
      'metrics-failing',
      {
        [Topics.messageSent]: async () => {
          throw new Error('downstream away');
        },
        [Topics.messageEdited]: async () => {
          throw new UnrecoverableError('never works');
        },
      },
      { attempts: 2, backoffDelayMs: 10 },
    );
    await bus.publish(Topics.messageSent, newEvent(Topics.messageSent));
    await bus.publish(Topics.messageEdited, newEvent(Topics.messageEdited));

    const queue = { queue: 'metrics-failing' };
    await vi.waitFor(
      () => {
        // Two attempts of the first job, one of the second; both end in the dead letters.
        expect(metrics.count(BusMetrics.jobFailures.name, queue)).toBe(3);
        expect(metrics.count(BusMetrics.deadLetters.name, queue)).toBe(2);
      },
      { timeout: 5_000, interval: 20 },
    );
    const depths = await metrics.samplers.get(BusMetrics.queueJobs.name)!();
    expect(depths).toContainEqual({ labels: { queue: 'metrics-failing', state: 'failed' }, value: 2 });
    expect(depths).toContainEqual({ labels: { queue: 'metrics-failing', state: 'waiting' }, value: 0 });
  });

  it('count fan-out publishes, one per message', async () => {
    await fanout.publish('metrics-channel', 'one');
    await fanout.publishMany([
      { channel: 'metrics-channel', message: 'two' },
      { channel: 'metrics-channel', message: 'three' },
    ]);
    expect(metrics.count(BusMetrics.fanoutPublishes.name, {})).toBe(3);
  });
});
