// GET /metrics and the request logs of an app on the kit, through real HTTP.
import { Writable } from 'node:stream';
import { Controller, Get, Inject, Module, Param } from '@nestjs/common';
import { Public } from '@parley/auth';
import { createLogger, type Logger } from '@parley/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, HealthRegistry, Lifecycle, ServiceMetrics, type HttpApp } from '../src/index.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
const LOGGER = Symbol('LOGGER');

@Public()
@Controller('v1/things')
class ThingsController {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  @Get(':thingId')
  get(@Param('thingId') thingId: string) {
    this.logger.info({ thingId }, 'thing read');
    return { thingId };
  }
}

let http: HttpApp;
let lifecycle: Lifecycle;
let metrics: ServiceMetrics;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const logger = createLogger({
    service: 'things',
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  });
  @Module({ controllers: [ThingsController], providers: [{ provide: LOGGER, useValue: logger }] })
  class ThingsModule {}
  lifecycle = new Lifecycle(logger);
  metrics = new ServiceMetrics('things');
  metrics.sample(
    { name: 'parley_test_broken_sample', help: 'a sampler that fails', type: 'gauge', labelNames: [] },
    () => Promise.reject(new Error('redis away')),
  );
  http = await createHttpApp({
    module: ThingsModule,
    http: { port: 0, host: '127.0.0.1', corsOrigins: [], bodyLimitBytes: 4096, metricsToken: METRICS_TOKEN },
    logger,
    lifecycle,
    health: new HealthRegistry('things'),
    openapi: { title: 'Things', version: '1' },
    metrics,
    authenticate: false,
    rateLimits: {
      prefix: 'kit-metrics',
      settings: {
        loginPerMinutePerUser: 10,
        loginPerMinutePerAddress: 10,
        signupPerHourPerAddress: 10,
        writesPerMinutePerUser: 10,
      },
    },
  });
});
afterAll(async () => lifecycle?.close(5000));

const scrape = (authorization?: string) =>
  fetch(`${http.url}/metrics`, { headers: authorization ? { authorization } : {} });

describe('GET /metrics', () => {
  it('asks for METRICS_TOKEN when one is set', async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ statusCode: 401, code: 'unauthenticated' });
    expect((await scrape('Bearer not-the-metrics-token')).status).toBe(401);
    expect((await scrape(`Basic ${METRICS_TOKEN}`)).status).toBe(401);
    expect((await scrape(`Bearer ${METRICS_TOKEN}`)).status).toBe(200);
  });

  it('labels requests with the route template, sends unmatched paths to one series, survives a failing sampler', async () => {
    for (const path of ['/v1/things/a', '/v1/things/b', '/v1/things/c', '/nope/1', '/nope/2'])
      await fetch(`${http.url}${path}`);
    const res = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const page = await res.text();
    expect(page).toContain(
      'parley_http_requests_total{method="GET",route="/v1/things/:thingId",status="200",service="things"} 3',
    );
    expect(page).toContain(
      'parley_http_requests_total{method="GET",route="unmatched",status="404",service="things"} 2',
    );
    expect(page).toContain('# TYPE parley_http_request_duration_seconds histogram');
    expect(page).toContain('process_cpu_user_seconds_total{service="things"}');
    const routes = page.split('\n').filter((line) => line.startsWith('parley_http_requests_total'));
    expect(routes.some((r) => r.includes('/nope') || r.includes('/v1/things/a'))).toBe(false);
  });

  it('is not in the OpenAPI document', () => {
    expect(Object.keys(http.openApiDocument().paths)).not.toContain('/metrics');
    expect(http.metrics).toBe(metrics);
  });
});

describe('request logs', () => {
  it('are JSON lines that carry the request id of the request being served', async () => {
    const res = await fetch(`${http.url}/v1/things/logged`, { headers: { 'x-request-id': 'trace-logs.1' } });
    expect(res.status).toBe(200);
    const read = lines.find((l) => l.msg === 'thing read' && l.thingId === 'logged');
    expect(read).toMatchObject({ service: 'things', requestId: 'trace-logs.1', level: 30 });
    expect(typeof read?.time).toBe('string');
  });
});
