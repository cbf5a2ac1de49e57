import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { BusEvent } from './bus-event.js';
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
 * Checks the handler map before anything touches Redis: a group registered for a topic it cannot handle
 * would collect jobs that all fail, so a missing or unknown handler is a start-up error, not a runtime one.
 */
export function handlerTable(group: string, handlers: unknown): Map<Topic, AnyHandler> {
  if (typeof handlers !== 'object' || handlers === null) {
    throw new Error(`event bus: group "${group}" needs a handler object`);
  }
  const table = new Map<Topic, AnyHandler>();
  for (const [topic, handler] of Object.entries(handlers)) {
    if (!isTopic(topic))
      throw new Error(`event bus: group "${group}" subscribes to unknown topic "${topic}"`);
    if (typeof handler !== 'function') {
      throw new Error(`event bus: group "${group}" subscribes to "${topic}" without a handler`);
    }
    table.set(topic, handler as AnyHandler);
  }
  if (table.size === 0) throw new Error(`event bus: group "${group}" subscribes to no topic`);
  return table;
}

export interface GroupWorkerOptions {
  group: string;
  handlers: Map<Topic, AnyHandler>;
  redisUrl: string;
  prefix: string;
  concurrency: number;
  report: ErrorReporter;
}

/** One BullMQ worker for the group's queue, dispatching each job to the handler of its name (the topic). */
export async function startGroupWorker(options: GroupWorkerOptions): Promise<Worker<BusEvent, void, string>> {
  const { group, handlers, report } = options;

  const processEvent = async (job: Job<BusEvent, void, string>): Promise<void> => {
    const handler = isTopic(job.name) ? handlers.get(job.name) : undefined;
    // Retrying cannot make a handler appear (it takes a deploy), so straight to the dead letters, replayable later.
    if (!handler) throw new UnrecoverableError(`group "${group}" has no handler for topic "${job.name}"`);
    await handler(job.data);
  };

  const worker = new Worker<BusEvent, void, string>(group, processEvent, {
    connection: workerConnectionOptions(options.redisUrl),
    prefix: options.prefix,
    concurrency: options.concurrency,
    // Started below, once connected, so that `subscribe` resolves with a worker that is really running.
    autorun: false,
  });
  worker.on('error', (err) => report(err, `worker:${group}`));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    // Retries are routine; only a job that gave up is worth someone's attention.
    if (final) report(err, `dead-letter:${group}:${job.name}:${job.id ?? '?'}`);
  });

  try {
    await worker.waitUntilReady();
  } catch (err) {
    await worker.close(true).catch(() => undefined);
    throw err;
  }
  worker.run().catch((err: unknown) => report(err, `worker:${group}`));
  return worker;
}
