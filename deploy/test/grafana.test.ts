// The Grafana dashboard only queries metrics the services define, and every metric is documented. The
// definitions are plain data next to the code that records them, so nothing has to start for this check.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serviceKitMetricDefinitions } from '../../packages/service-kit/src/metrics/metric-definition.js';
import { ServiceMetrics } from '../../packages/service-kit/src/metrics/service-metrics.js';
import { busMetricDefinitions } from '../../packages/event-bus/src/bus-metrics.js';
import { outboxMetricDefinitions } from '../../packages/outbox/src/outbox-metrics.js';
import { messagingMetricDefinitions } from '../../apps/messaging/src/metrics.js';
import { terminalCoreMetricDefinitions } from '../../apps/terminal-core/src/metrics.js';
import { webhookGatewayMetricDefinitions } from '../../apps/webhook-gateway/src/metrics.js';

interface Definition {
  name: string;
  type: string;
  labelNames: readonly string[];
}

const definitions: Definition[] = [
  ...serviceKitMetricDefinitions,
  ...busMetricDefinitions,
  ...outboxMetricDefinitions,
  ...messagingMetricDefinitions,
  ...terminalCoreMetricDefinitions,
  ...webhookGatewayMetricDefinitions,
];
const byName = new Map(definitions.map((d) => [d.name, d]));
/** prom-client's process and Node.js metrics, registered by every service's registry. */
const defaultMetrics = new Map(
  (await new ServiceMetrics('dashboard-check').registry.getMetricsAsJSON()).map((m) => [
    m.name,
    { name: m.name, type: String(m.type), labelNames: [] as string[] },
  ]),
);

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}
interface Dashboard {
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: unknown; datasource?: unknown }> };
}

const dashboard = JSON.parse(
  readFileSync(new URL('../grafana/parley.json', import.meta.url), 'utf8'),
) as Dashboard;

function panelsOf(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

/** Every PromQL expression of the dashboard: panel targets and template variable queries. */
function expressions(): Array<{ where: string; expr: string }> {
  const fromPanels = panelsOf(dashboard.panels).flatMap((p) =>
    (p.targets ?? []).flatMap((t) => (t.expr ? [{ where: p.title ?? '?', expr: t.expr }] : [])),
  );
  const fromVariables = dashboard.templating.list.flatMap((v) => {
    const query = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
    return v.type === 'query' && query ? [{ where: `$${v.name}`, expr: query }] : [];
  });
  return [...fromPanels, ...fromVariables];
}

/** The metric a series name belongs to: a histogram's _bucket, _sum and _count series are its own. */
function metricOf(series: string): string {
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return base !== series && byName.get(base)?.type === 'histogram' ? base : series;
}

describe('deploy/grafana/parley.json', () => {
  it('is a current dashboard with a Prometheus data source variable used by every panel', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    const datasource = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(datasource).toMatchObject({ name: 'datasource', query: 'prometheus' });
    const panels = panelsOf(dashboard.panels).filter((p) => (p.targets ?? []).length > 0);
    expect(panels.length).toBeGreaterThan(10);
    for (const panel of panels)
      expect(JSON.stringify((panel as { datasource?: unknown }).datasource), panel.title).toContain(
        '${datasource}',
      );
  });

  it('queries only metrics the services define', () => {
    const queried = new Set<string>();
    for (const { where, expr } of expressions()) {
      const names = expr.match(/\bparley_[a-z0-9_]+/g) ?? [];
      const defaults = (expr.match(/\b(?:process|nodejs)_[a-z0-9_]+/g) ?? []).filter(
        (name) => !defaultMetrics.has(name),
      );
      expect(defaults, `${where}: process metrics no registry has`).toEqual([]);
      expect(names.length + (expr.match(/\b(?:process|nodejs)_/g) ?? []).length, expr).toBeGreaterThan(0);
      for (const name of names) {
        const metric = metricOf(name);
        expect(byName.has(metric), `${where} queries ${name}, which no service defines`).toBe(true);
        queried.add(metric);
      }
    }
    // A metric nobody charts is either missing from the dashboard or not worth its series.
    expect([...byName.keys()].filter((name) => !queried.has(name))).toEqual([]);
  });

  it('groups and filters only by labels the metrics have', () => {
    for (const { where, expr } of expressions()) {
      const metrics = [...new Set((expr.match(/\bparley_[a-z0-9_]+/g) ?? []).map(metricOf))];
      const labels = new Set(['service', 'le', ...metrics.flatMap((m) => byName.get(m)?.labelNames ?? [])]);
      const used = [
        ...[...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',')),
        ...[...expr.matchAll(/[{,]\s*([a-z_]+)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]!),
      ].map((l) => l.trim());
      for (const label of used) expect(labels.has(label), `${where}: label "${label}" in ${expr}`).toBe(true);
    }
  });
});

describe('metric definitions', () => {
  it('are named parley_<area>_<what>_<unit>, once each', () => {
    expect(byName.size).toBe(definitions.length);
    for (const { name, type } of definitions) {
      expect(name).toMatch(/^parley_[a-z]+_[a-z0-9_]+_[a-z]+$/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_seconds$/);
    }
  });

  it('are each documented in the service kit README', () => {
    const readme = readFileSync(new URL('../../packages/service-kit/README.md', import.meta.url), 'utf8');
    for (const { name } of definitions) expect(readme, name).toContain(`\`${name}\``);
  });
});
