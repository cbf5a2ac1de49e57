/**
 * The bus's metrics, as data (see @parley/service-kit's MetricDefinition), and the part of a service's
 * metrics registry the bus needs: service-kit's `ServiceMetrics` fits it, and the bus stays free of any
 * metrics library.
 */
interface Definition<T extends 'counter' | 'gauge'> {
  name: string;
  help: string;
  type: T;
  labelNames: readonly string[];
}

export interface BusMetricsRecorder {
  counter(def: Definition<'counter'>): { inc(labels: Record<string, string>, value?: number): void };
  /** A gauge read at each scrape. */
  sample(
    def: Definition<'gauge'>,
    read: () => Promise<ReadonlyArray<{ labels: Record<string, string>; value: number }>>,
  ): void;
}

export const BusMetrics = {
  queueJobs: {
    name: 'parley_bus_queue_jobs',
    help: 'Jobs in each bus queue this process works on, by state (waiting, active, delayed, prioritized, failed), read at scrape time',
    type: 'gauge',
    labelNames: ['queue', 'state'],
  },
  jobFailures: {
    name: 'parley_bus_job_failures_total',
    help: 'Bus job attempts that threw (each retry counts), by queue',
    type: 'counter',
    labelNames: ['queue'],
  },
  deadLetters: {
    name: 'parley_bus_dead_letters_total',
    help: 'Bus jobs that gave up and landed in the dead letters, by queue',
    type: 'counter',
    labelNames: ['queue'],
  },
  fanoutPublishes: {
    name: 'parley_fanout_publishes_total',
    help: 'Messages published to other nodes through the realtime fan-out (Redis pub/sub)',
    type: 'counter',
    labelNames: [],
  },
} as const satisfies Record<string, Definition<'counter' | 'gauge'>>;

export const busMetricDefinitions: ReadonlyArray<Definition<'counter' | 'gauge'>> = Object.values(BusMetrics);

/** Job states worth watching; `completed` is left out (kept 24 h for de-duplication, not a backlog). */
export const watchedJobStates = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
