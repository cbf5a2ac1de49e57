import { runWithLogContext } from '@parley/logger';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { parseDeliveredEvent, type BusEvent } from './bus-event.js';
import { isTopic, type Topic } from './topics.js';
import { workerConnectionOptions, type ErrorReporter } from './redis-connections.js';

export type TopicHandler<K extends Topic> = (event: BusEvent<K>) => Promise<void>;
export type TopicHandlers<T extends Topic> = { [K in T]: TopicHandler<K> };

export interface Subscription {
  group: string;
  topics: Topic[];
  /** Stops this process's worker after its jobs in progress; the group stays registered and keeps receiving jobs. */
  close(): Promise<void>;
}

type AnyHandler = (event: BusEvent) => Promise<void>;

/**
 * Checks a handler map keyed by job name: every key known, every value a function, at least one entry.
 * A queue whose jobs have no handler would collect jobs that all fail, so this is a start-up error.
 */
export function checkedHandlerTable<N extends string, H>(
  owner: string,
  handlers: unknown,
  isKnown: (name: string) => name is N,
  kind: string,
): Map<N, H> {
  if (typeof handlers !== 'object' || handlers === null) {
    throw new Error(`event bus: ${owner} needs a handler object`);
  }
  const table = new Map<N, H>();
  for (const [name, handler] of Object.entries(handlers)) {
    if (!isKnown(name)) throw new Error(`event bus: ${owner} subscribes to unknown ${kind} "${name}"`);
    if (typeof handler !== 'function') {
      throw new Error(`event bus: ${owner} subscribes to "${name}" without a handler`);
    }
    table.set(name, handler as H);
  }
  if (table.size === 0) throw new Error(`event bus: ${owner} subscribes to no ${kind}`);
  return table;
}

/**
 * Checks the handler map before anything touches Redis: a group registered for a topic it cannot handle
 * would collect jobs that all fail, so a missing or unknown handler is a start-up error, not a runtime one.
 */
export function handlerTable(group: string, handlers: unknown): Map<Topic, AnyHandler> {
  return checkedHandlerTable<Topic, AnyHandler>(`group "${group}"`, handlers, isTopic, 'topic');
}

export interface QueueWorkerOptions<D> {
  /** The BullMQ queue. */
  queue: string;
  /** Runs one job; throw to retry it, throw UnrecoverableError to send it to the dead letters at once. */
  run: (job: Job<D, void, string>) => Promise<void>;
  redisUrl: string;
  prefix: string;
  concurrency: number;
  report: ErrorReporter;
  /** Called for every failed attempt; `final` when the job gave up (it is in the dead letters). */
  onFailedAttempt?: (queue: string, final: boolean) => void;
}

/**
 * How soon a job whose worker lost it is run again. A job stays `active` while its lock lives; when a worker
 * takes a job and never runs it (Redis died before the reply reached the worker, or the process died), only
 * the stalled-job check puts it back: it marks active jobs on one pass and moves those still without a lock
 * on a later one. BullMQ's defaults (30 s lock, checked every 30 s) make that up to a minute after Redis comes
 * back; these make it the lock's remaining life plus at most two checks: about 10 s, 14 s at worst.
 *
 * The worker renews the lock of every job it runs about every `lockRenewTimeMs` (one script call for all of
 * them), so a handler may run for as long as it needs. Only an event loop blocked for about 9 s, or Redis
 * unreachable that long, lets another worker take a job that is still running, which at-least-once delivery
 * allows but should stay rare: a 5 s lock was seen to lapse in a service saturated by 10,000 sockets
 * connecting at once on two cores. A job taken back more than `maxStalledCount` times (it keeps killing its
 * worker) fails into the dead letters.
 */
export const workerLockSettings = {
  lockDurationMs: 10_000,
  lockRenewTimeMs: 1_000,
  stalledIntervalMs: 2_000,
  maxStalledCount: 2,
} as const;

/** One BullMQ worker, resolved once it is connected and running; errors and final failures go to `report`. */
export async function startQueueWorker<D>(options: QueueWorkerOptions<D>): Promise<Worker<D, void, string>> {
  const { queue, report } = options;
  const worker = new Worker<D, void, string>(queue, options.run, {
    connection: workerConnectionOptions(options.redisUrl),
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: workerLockSettings.lockDurationMs,
    lockRenewTime: workerLockSettings.lockRenewTimeMs,
    stalledInterval: workerLockSettings.stalledIntervalMs,
    maxStalledCount: workerLockSettings.maxStalledCount,
    // Started below, once connected, so that the caller gets a worker that is really running.
    autorun: false,
  });
  worker.on('error', (err) => report(err, `worker:${queue}`));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    options.onFailedAttempt?.(queue, final);
    // Retries are routine; only a job that gave up is worth someone's attention.
    if (final) report(err, `dead-letter:${queue}:${job.name}:${job.id ?? '?'}`);
  });

  try {
    await worker.waitUntilReady();
  } catch (err) {
    await worker.close(true).catch(() => undefined);
    throw err;
  }
  worker.run().catch((err: unknown) => report(err, `worker:${queue}`));
  return worker;
}

export interface GroupWorkerOptions {
  group: string;
  handlers: Map<Topic, AnyHandler>;
  redisUrl: string;
  prefix: string;
  concurrency: number;
  report: ErrorReporter;
  onFailedAttempt?: (queue: string, final: boolean) => void;
}

/** One BullMQ worker for the group's queue, dispatching each job to the handler of its name (the topic). */
export function startGroupWorker(options: GroupWorkerOptions): Promise<Worker<BusEvent, void, string>> {
  const { group, handlers } = options;
  return startQueueWorker<BusEvent>({
    ...options,
    queue: group,
    run: async (job) => {
      const handler = isTopic(job.name) ? handlers.get(job.name) : undefined;
      // Retrying cannot make a handler appear (it takes a deploy), so straight to the dead letters, replayable later.
      if (!handler) throw new UnrecoverableError(`group "${group}" has no handler for topic "${job.name}"`);
      const event = parseDeliveredEvent(group, job.name, job.data);
      // The handler's log lines carry the id of the request that caused the event.
      await runWithLogContext({ requestId: event.metadata?.requestId, eventId: event.id }, () =>
        handler(event),
      );
    },
  });
}
