import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SERVICE_LABEL, type MetricDefinition } from './metric-definition.js';

/** What a sampled gauge reads on each scrape: one value, or one value per label set. */
export type GaugeReading<L extends string> =
  number | ReadonlyArray<{ labels: Partial<Record<L, string>>; value: number }>;

type Sampler = () => GaugeReading<string> | Promise<GaugeReading<string>>;

/**
 * One Prometheus registry per running service (several services may share a test process), with Node's
 * default process metrics and the `service` label on every series. Metrics are created on first use and
 * shared after that, so the code where a thing happens registers the metric it moves.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly samplers = new Map<string, Sampler[]>();

  constructor(
    readonly service: string,
    options: { defaultMetrics?: boolean } = {},
  ) {
    this.registry.setDefaultLabels({ [SERVICE_LABEL]: service });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(def: MetricDefinition<L> & { type: 'counter' }): Counter<L> {
    return this.existing(def, Counter) ?? new Counter<L>({ ...this.options(def) });
  }

  gauge<L extends string>(def: MetricDefinition<L> & { type: 'gauge' }): Gauge<L> {
    return this.existing(def, Gauge) ?? new Gauge<L>({ ...this.options(def) });
  }

  histogram<L extends string>(def: MetricDefinition<L> & { type: 'histogram' }): Histogram<L> {
    return (
      this.existing(def, Histogram) ??
      new Histogram<L>({ ...this.options(def), ...(def.buckets ? { buckets: [...def.buckets] } : {}) })
    );
  }

  /**
   * A gauge read when Prometheus scrapes (a queue's depth, an outbox's lag, open sockets) instead of kept up
   * to date. Several samplers may feed one gauge; one that fails leaves its series out of that scrape
   * rather than failing the whole page.
   */
  sample<L extends string>(
    def: MetricDefinition<L> & { type: 'gauge' },
    read: () => GaugeReading<L> | Promise<GaugeReading<L>>,
  ): void {
    const samplers = this.samplers.get(def.name);
    if (samplers) {
      samplers.push(read as Sampler);
      return;
    }
    const list: Sampler[] = [read as Sampler];
    this.samplers.set(def.name, list);
    if (this.registry.getSingleMetric(def.name)) {
      throw new Error(`metrics: "${def.name}" is already registered as a gauge that is not sampled`);
    }
    new Gauge<string>({
      ...this.options(def),
      async collect() {
        this.reset();
        const readings = await Promise.allSettled(list.map(async (sampler) => sampler()));
        for (const reading of readings) {
          if (reading.status === 'rejected') continue;
          if (typeof reading.value === 'number') this.set(reading.value);
          else for (const { labels, value } of reading.value) this.set(labels, value);
        }
      },
    });
  }

  /** The text exposition format Prometheus scrapes. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private options<L extends string>(def: MetricDefinition<L>) {
    return { name: def.name, help: def.help, labelNames: [...def.labelNames], registers: [this.registry] };
  }

  private existing<T>(def: MetricDefinition, kind: abstract new (...args: never[]) => T): T | undefined {
    const metric = this.registry.getSingleMetric(def.name);
    if (!metric) return undefined;
    if (!(metric instanceof kind)) throw new Error(`metrics: "${def.name}" is registered as another type`);
    return metric;
  }
}
