import { Queue, type JobState, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { assertJobId, toBusEvent, type BusEvent, type PublishInput } from './bus-event.js';
import { BusMetrics, watchedJobStates, type BusMetricsRecorder } from './bus-metrics.js';
import { assertGroupName } from './consumer-groups.js';
import {
  listDeadLetters,
  listDelayedDeadLetters,
  replayAllDeadLetters,
  replayDeadLetter,
  type DeadLetter,
  type DelayedDeadLetter,
  type DelayedJobQueue,
  type GroupQueue,
} from './dead-letters.js';
import {
  assertDelayedJobName,
  isDelayedJobName,
  parseDueJob,
  retryPolicyOf,
  toDelayedJob,
  type DelayedJob,
  type DelayedJobName,
  type DelayedJobPayloads,
} from './delayed-jobs.js';
import { FanoutProducer, type FanoutJob } from './fanout-producer.js';
import { GroupRegistry } from './group-registry.js';
import {
  checkedHandlerTable,
  handlerTable,
  startGroupWorker,
  startQueueWorker,
  type Subscription,
} from './group-worker.js';
import { closeRedis, createFailFastRedis, whenReady } from './redis-connections.js';
import { jobOptionsFor, resolveRetryPolicy } from './retry-policy.js';
import type { Topic, TopicPayloads } from './topics.js';

export interface EventBusOptions {
  redisUrl: string;
  /** BullMQ key prefix and namespace of the bus's own keys: two prefixes never see each other's events. */
  prefix: string;
  /** Connection problems, worker errors and jobs that ended in the dead letters; never throws into the caller. */
  onError?: (err: unknown, context: string) => void;
  /** The service's metrics: failed attempts, dead letters and the depth of the queues this process works on. */
  metrics?: BusMetricsRecorder;
}

export type DelayedJobHandler<N extends DelayedJobName> = (job: DelayedJob<N>) => Promise<void>;
export type DelayedJobHandlers<N extends DelayedJobName> = { [K in N]: DelayedJobHandler<K> };

export interface DelayedJobsRunner {
  names: DelayedJobName[];
  /** Stops this process's workers after their jobs in progress; scheduled jobs wait in Redis for the next run. */
  close(): Promise<void>;
}

export interface RunDelayedJobsOptions {
  /** Jobs of each name this process runs at the same time. Default 1. */
  concurrency?: number;
}

/** Delayed-job states in which a job has not started yet: the ones a cancel can still stop. */
const cancellableStates: ReadonlySet<JobState | 'unknown'> = new Set(['delayed', 'waiting', 'prioritized']);

export interface SubscribeOptions {
  /** Jobs this process runs at the same time for the group. Default 1. */
  concurrency?: number;
  /** Total tries per job, the first included. Default 8. */
  attempts?: number;
  /** First retry delay, doubled at each retry. Default 2000 ms. */
  backoffDelayMs?: number;
}

/**
 * Durable, typed fan-out of domain events to consumer groups (one BullMQ queue each).
 *
 * Publishing reads the groups of each topic from Redis and adds one job per group in a single MULTI/EXEC, the
 * job id being the event id. What a failure leaves behind:
 * - Redis unreachable or the registry read fails: nothing written, the promise rejects (within ~2 s).
 * - The connection drops after EXEC was sent: the promise rejects though every job may exist.
 * - One job's script fails at run time inside the transaction: Redis rolls nothing back, the other groups
 *   keep their job and the promise rejects.
 * In each case publishing the same event again is the fix and is safe: a group that already has the job id
 * keeps it untouched (completed jobs are kept 24 h for this), the others get theirs.
 */
export class EventBus {
  private readonly redis: Redis;
  private readonly registry: GroupRegistry;
  private readonly producer: FanoutProducer;
  private readonly queues = new Map<string, GroupQueue>();
  private readonly delayedQueues = new Map<DelayedJobName, DelayedJobQueue>();
  /** Keyed by queue: a group name or a delayed job name (the two never collide). */
  private readonly workers = new Map<string, Worker>();
  /** Groups and delayed job names with a worker running or starting in this process. */
  private readonly subscribedGroups = new Set<string>();
  /** The publisher connection is shared with BullMQ objects that re-emit its errors: report each error once. */
  private readonly reportedErrors = new WeakSet<object>();
  private closing: Promise<void> | undefined;
  private onFailedAttempt: ((queue: string, final: boolean) => void) | undefined;

  constructor(private readonly opts: EventBusOptions) {
    if (!opts.redisUrl) throw new Error('event bus: redisUrl is required');
    if (!opts.prefix || /\s/.test(opts.prefix)) throw new Error('event bus: prefix must be a non-empty word');
    this.redis = createFailFastRedis(opts.redisUrl, (err) => this.report(err, 'publisher'));
    this.registry = new GroupRegistry(this.redis, opts.prefix);
    // Shares the fail-fast connection: a publish must error out, not queue up, while Redis is away.
    this.producer = new FanoutProducer({ connection: this.redis, prefix: opts.prefix });
    this.producer.on('error', (err) => this.report(err, 'publisher'));
    if (opts.metrics) this.recordMetrics(opts.metrics);
  }

  private recordMetrics(metrics: BusMetricsRecorder): void {
    const failures = metrics.counter(BusMetrics.jobFailures);
    const deadLetters = metrics.counter(BusMetrics.deadLetters);
    this.onFailedAttempt = (queue, final) => {
      failures.inc({ queue });
      if (final) deadLetters.inc({ queue });
    };
    // Read from Redis when Prometheus scrapes, so a quiet process still reports a growing backlog.
    metrics.sample(BusMetrics.queueJobs, async () => {
      if (this.closing) return [];
      const readings: Array<{ labels: Record<string, string>; value: number }> = [];
      for (const name of [...this.workers.keys()].sort()) {
        const queue = isDelayedJobName(name) ? await this.delayedQueueOf(name) : await this.queueOf(name);
        const counts = await queue.getJobCounts(...watchedJobStates);
        for (const state of watchedJobStates) {
          readings.push({ labels: { queue: name, state }, value: counts[state] ?? 0 });
        }
      }
      return readings;
    });
  }

  /**
   * Resolves with the groups that have (now or already) a job for this event; none subscribed is not an error.
   * The payload is parsed with the topic's protocol schema first: one that does not fit throws
   * InvalidPayloadError and nothing is written.
   */
  async publish<T extends Topic>(
    topic: T,
    event: { id: string; payload: TopicPayloads[T]; occurredAt?: string },
  ): Promise<{ deliveredToGroups: string[] }> {
    const [deliveredToGroups = []] = await this.deliver([toBusEvent({ ...event, topic })]);
    return { deliveredToGroups };
  }

  /**
   * A whole batch in one transaction; an unknown topic, bad id or payload that does not fit its schema
   * anywhere refuses the batch before any write.
   */
  async publishMany(events: Array<PublishInput>): Promise<void> {
    if (events.length === 0) return;
    await this.deliver(events.map((event) => toBusEvent(event)));
  }

  private async deliver(events: BusEvent[]): Promise<string[][]> {
    this.assertOpen();
    await whenReady(this.redis);
    const deliveries = await this.registry.deliveriesFor(events.map((event) => event.topic));
    const jobs: FanoutJob[] = [];
    const groupsPerEvent = events.map((event) => {
      const targets = deliveries.get(event.topic) ?? [];
      for (const { group, policy } of targets) {
        jobs.push({
          queueName: group,
          name: event.topic,
          data: event,
          opts: jobOptionsFor(event.id, policy),
        });
      }
      return targets.map((target) => target.group);
    });
    await this.producer.addAllOrThrow(jobs);
    return groupsPerEvent;
  }

  /**
   * Registers `group` for the handlers' topics (and for no other), then starts this process's worker for it.
   * Resolves once the worker is running. The retry policy is stored with the registration and applied by
   * every publisher to the jobs it creates for the group.
   */
  async subscribe<T extends Topic>(
    group: string,
    handlers: { [K in T]: (event: BusEvent<K>) => Promise<void> },
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    this.assertOpen();
    assertGroupName(group);
    const table = handlerTable(group, handlers);
    const policy = resolveRetryPolicy(options);
    const concurrency = checkedConcurrency(options.concurrency);
    // One processor per queue: a second worker with other handlers would take jobs it cannot run.
    if (this.subscribedGroups.has(group)) {
      throw new Error(`event bus: group "${group}" is already subscribed on this bus`);
    }
    this.subscribedGroups.add(group);
    const topics = [...table.keys()];

    let worker: Worker;
    try {
      await whenReady(this.redis);
      await this.registry.register(group, topics, policy);
      worker = await startGroupWorker({
        group,
        handlers: table,
        redisUrl: this.opts.redisUrl,
        prefix: this.opts.prefix,
        concurrency,
        report: (err, context) => this.report(err, context),
        onFailedAttempt: this.onFailedAttempt,
      });
    } catch (err) {
      this.subscribedGroups.delete(group);
      throw err;
    }
    if (this.closing) {
      await worker.close();
      throw new Error('event bus: closed while subscribing');
    }
    this.workers.set(group, worker);

    let closed: Promise<void> | undefined;
    return {
      group,
      topics,
      close: () => {
        closed ??= worker.close().finally(() => {
          this.workers.delete(group);
          this.subscribedGroups.delete(group);
        });
        return closed;
      },
    };
  }

  /**
   * Runs `payload` as job `name` after `delayMs`, unless cancelled first. `jobId` is the BullMQ job id and
   * the de-duplication key: while a job with that id is pending, running, or kept after running (24 h, like
   * published events), scheduling it again changes nothing, so a new timer needs a new id. The payload is
   * parsed with the job's schema first; nothing is written when it does not fit. A job that is due fires
   * once, in whichever process runs its name, including one started after the scheduler stopped.
   */
  async scheduleDelayed<N extends DelayedJobName>(
    name: N,
    jobId: string,
    payload: DelayedJobPayloads[N],
    delayMs: number,
  ): Promise<void> {
    this.assertOpen();
    const job = toDelayedJob(name, jobId, payload, delayMs, new Date());
    const queue = await this.delayedQueueOf(name);
    await queue.add(name, job, { ...jobOptionsFor(job.id, retryPolicyOf(name)), delay: delayMs });
  }

  /**
   * Removes the pending job `jobId` of `name`. Resolves true when a pending job was removed, false when there
   * was none: never scheduled, already fired or firing now (a running handler is not interrupted).
   * A job waiting for a retry counts as pending: cancelling it stops the retries too.
   */
  async cancelDelayed(name: DelayedJobName, jobId: string): Promise<boolean> {
    this.assertOpen();
    assertDelayedJobName(name);
    assertJobId(jobId, 'delayed job id');
    const queue = await this.delayedQueueOf(name);
    if (!cancellableStates.has(await queue.getJobState(jobId))) return false;
    // BullMQ refuses (0) to remove a job that became active in the meantime.
    return (await queue.remove(jobId)) === 1;
  }

  /**
   * Starts this process's workers for the delayed job names in `handlers`, one handler per name (a missing
   * or unknown one is refused before anything starts). Resolves once every worker is running.
   */
  async runDelayedJobs<N extends DelayedJobName>(
    handlers: DelayedJobHandlers<N>,
    options: RunDelayedJobsOptions = {},
  ): Promise<DelayedJobsRunner> {
    this.assertOpen();
    const table = checkedHandlerTable<DelayedJobName, DelayedJobHandler<DelayedJobName>>(
      'delayed jobs',
      handlers,
      isDelayedJobName,
      'delayed job',
    );
    const concurrency = checkedConcurrency(options.concurrency);
    const names = [...table.keys()];
    const taken = names.filter((name) => this.subscribedGroups.has(name));
    if (taken.length > 0) {
      throw new Error(
        `event bus: delayed jobs ${taken.map((n) => `"${n}"`).join(', ')} already run on this bus`,
      );
    }
    for (const name of names) this.subscribedGroups.add(name);

    const started: Array<[DelayedJobName, Worker]> = [];
    try {
      await whenReady(this.redis);
      for (const [name, handler] of table) {
        const worker = await startQueueWorker<DelayedJob>({
          queue: name,
          run: async (job) => handler(parseDueJob(job.name, job.data)),
          redisUrl: this.opts.redisUrl,
          prefix: this.opts.prefix,
          concurrency,
          report: (err, context) => this.report(err, context),
          onFailedAttempt: this.onFailedAttempt,
        });
        started.push([name, worker]);
      }
    } catch (err) {
      await Promise.allSettled(started.map(([, worker]) => worker.close()));
      for (const name of names) this.subscribedGroups.delete(name);
      throw err;
    }
    if (this.closing) {
      await Promise.allSettled(started.map(([, worker]) => worker.close()));
      throw new Error('event bus: closed while starting delayed jobs');
    }
    for (const [name, worker] of started) this.workers.set(name, worker);

    let closed: Promise<void> | undefined;
    return {
      names,
      close: () => {
        closed ??= Promise.allSettled(started.map(([, worker]) => worker.close())).then(() => {
          for (const name of names) {
            this.workers.delete(name);
            this.subscribedGroups.delete(name);
          }
        });
        return closed;
      },
    };
  }

  /** Delayed jobs of `name` that gave up (most recent first). */
  async delayedDeadLetters(name: DelayedJobName, limit = 50): Promise<DelayedDeadLetter[]> {
    return listDelayedDeadLetters(await this.delayedQueueOf(name), limit);
  }

  /** Runs one dead delayed job again at once, with a fresh attempt budget. */
  async replayDelayedDeadLetter(name: DelayedJobName, jobId: string): Promise<void> {
    await replayDeadLetter(await this.delayedQueueOf(name), jobId);
  }

  /** Jobs of `group` that gave up (most recent first). */
  async deadLetters(group: string, limit = 50): Promise<DeadLetter[]> {
    return listDeadLetters(await this.queueOf(group), limit);
  }

  /** Moves one dead letter back to the queue with a fresh attempt budget. */
  async replayDeadLetter(group: string, jobId: string): Promise<void> {
    await replayDeadLetter(await this.queueOf(group), jobId);
  }

  /** Replays every current dead letter of `group`; resolves with how many were replayed. */
  async replayAllDeadLetters(group: string): Promise<number> {
    return replayAllDeadLetters(await this.queueOf(group));
  }

  /** Throws when Redis does not answer within a few seconds. */
  async ping(): Promise<void> {
    this.assertOpen();
    await whenReady(this.redis);
    await this.redis.ping();
  }

  /** Stops the workers (letting jobs in progress finish), then closes queues and connections. */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    await Promise.allSettled([...this.workers.values()].map((worker) => worker.close()));
    this.workers.clear();
    await Promise.allSettled([
      this.producer.close(),
      ...[...this.queues.values(), ...this.delayedQueues.values()].map((queue) => queue.close()),
    ]);
    this.queues.clear();
    this.delayedQueues.clear();
    await closeRedis(this.redis);
  }

  /** Queue handles for inspection, created on first use and sharing the fail-fast connection. */
  private async queueOf(group: string): Promise<GroupQueue> {
    this.assertOpen();
    assertGroupName(group);
    await whenReady(this.redis);
    let queue = this.queues.get(group);
    if (!queue) {
      queue = new Queue<BusEvent, void, string>(group, { connection: this.redis, prefix: this.opts.prefix });
      queue.on('error', (err) => this.report(err, `queue:${group}`));
      this.queues.set(group, queue);
    }
    return queue;
  }

  private async delayedQueueOf(name: DelayedJobName): Promise<DelayedJobQueue> {
    this.assertOpen();
    assertDelayedJobName(name);
    await whenReady(this.redis);
    let queue = this.delayedQueues.get(name);
    if (!queue) {
      queue = new Queue<DelayedJob, void, string>(name, { connection: this.redis, prefix: this.opts.prefix });
      queue.on('error', (err) => this.report(err, `queue:${name}`));
      this.delayedQueues.set(name, queue);
    }
    return queue;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('event bus: closed');
  }

  private report(err: unknown, context: string): void {
    if (typeof err === 'object' && err !== null) {
      if (this.reportedErrors.has(err)) return;
      this.reportedErrors.add(err);
    }
    try {
      this.opts.onError?.(err, context);
    } catch {
      // A throwing error callback must not turn a reported error into a crash.
    }
  }
}

function checkedConcurrency(concurrency = 1): number {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`event bus: concurrency must be an integer >= 1, got ${concurrency}`);
  }
  return concurrency;
}
