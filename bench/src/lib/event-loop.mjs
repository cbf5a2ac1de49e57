import { monitorEventLoopDelay } from 'node:perf_hooks';
import { round } from './stats.mjs';

/**
 * Watches this process's event-loop delay. Latencies are stamped in the load generator, so a stall here
 * inflates them too; reporting it tells a client-side hiccup apart from a slow service.
 */
export function watchEventLoop() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return () => {
    histogram.disable();
    // The histogram is in nanoseconds and includes the sampling resolution itself.
    return { p99: round(histogram.percentile(99) / 1e6), max: round(histogram.max / 1e6) };
  };
}
