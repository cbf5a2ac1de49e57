import { describe, expect, it } from 'vitest';
import { ServiceMetrics } from './service-metrics.js';

const replies = {
  name: 'parley_test_replies_total',
  help: 'replies',
  type: 'counter',
  labelNames: ['kind'],
} as const;
const open = {
  name: 'parley_test_open_sockets',
  help: 'open',
  type: 'gauge',
  labelNames: ['endpoint'],
} as const;

describe('ServiceMetrics', () => {
  it('creates a metric once and hands the same one to every module that asks', async () => {
    const metrics = new ServiceMetrics('test', { defaultMetrics: false });
    metrics.counter(replies).inc({ kind: 'text' });
    metrics.counter(replies).inc({ kind: 'text' }, 2);
    expect(await metrics.registry.getSingleMetricAsString(replies.name)).toContain(
      'parley_test_replies_total{kind="text",service="test"} 3',
    );
  });

  it('refuses a name already taken by another type', () => {
    const metrics = new ServiceMetrics('test', { defaultMetrics: false });
    metrics.counter(replies);
    expect(() => metrics.gauge({ ...replies, type: 'gauge' })).toThrow(/another type/);
  });

  it('adds up the samplers of one gauge at each scrape and leaves out the ones that fail', async () => {
    const metrics = new ServiceMetrics('test', { defaultMetrics: false });
    let sockets = 2;
    metrics.sample(open, () => [{ labels: { endpoint: '/a' }, value: sockets }]);
    metrics.sample(open, async () => [{ labels: { endpoint: '/b' }, value: 5 }]);
    metrics.sample(open, () => Promise.reject(new Error('redis away')));
    expect((await metrics.exposition()).body).toContain(
      'parley_test_open_sockets{endpoint="/a",service="test"} 2',
    );
    sockets = 0;
    const { body } = await metrics.exposition();
    expect(body).toContain('parley_test_open_sockets{endpoint="/a",service="test"} 0');
    expect(body).toContain('parley_test_open_sockets{endpoint="/b",service="test"} 5');
  });

  it('keeps services in one process apart', async () => {
    const [a, b] = [new ServiceMetrics('a'), new ServiceMetrics('b')];
    a.counter(replies).inc({ kind: 'text' });
    expect((await b.exposition()).body).not.toContain(replies.name);
    expect((await b.exposition()).body).toContain('process_cpu_user_seconds_total{service="b"}');
  });
});
