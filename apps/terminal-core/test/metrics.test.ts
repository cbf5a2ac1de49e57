// GET /metrics of a running core node: streams, terminals, calls and bridge sockets as a dashboard sees them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, scrapeMetrics } from '@parley/testing';
import { TerminalFixture } from './support/terminal-fixture.js';

const world = new TerminalFixture('metrics', '+4793');

beforeAll(async () => world.start());
afterEach(() => world.closeTerminals());
afterAll(async () => world.stop());

describe('GET /metrics', () => {
  it('follows gRPC streams, registered terminals, calls in progress and bridge sockets', async () => {
    const { caller } = await world.activeCall();
    const browser = new WebSocket(
      `${world.core.httpUrl.replace('http', 'ws')}/v1/terminal?access_token=${await world.tokenFor(world.msisdn())}&mode=multi`,
    );
    world.track({ close: () => browser.close() });
    await new Promise((resolve, reject) => {
      browser.once('open', resolve);
      browser.once('error', reject);
    });

    await eventually(async () => {
      const page = await scrapeMetrics(world.core.httpUrl);
      expect(page.value('parley_grpc_open_streams')).toBe(2);
      expect(page.value('parley_websocket_open_connections', { endpoint: '/v1/terminal' })).toBe(1);
      expect(page.value('parley_terminal_registered_terminals')).toBe(3);
      expect(page.value('parley_call_active_calls')).toBe(1);
      expect(page.matching('parley_call_active_calls')[0]?.labels.service).toBe('terminal-core');
      return true;
    }, 'the open call and its terminals in the metrics');

    caller.close();
    browser.close();
    await eventually(async () => {
      const page = await scrapeMetrics(world.core.httpUrl);
      expect(page.value('parley_grpc_open_streams')).toBe(1);
      expect(page.value('parley_websocket_open_connections', { endpoint: '/v1/terminal' })).toBe(0);
      expect(page.value('parley_call_active_calls')).toBe(0);
      return true;
    }, 'the ended call to leave the metrics');
  });

  it('counts requests by route template', async () => {
    const before = await scrapeMetrics(world.core.httpUrl);
    const route = { method: 'GET', route: '/health/ready', status: '200' };
    expect((await fetch(`${world.core.httpUrl}/health/ready`)).status).toBe(200);
    const after = await scrapeMetrics(world.core.httpUrl);
    expect(after.value('parley_http_requests_total', route)).toBe(
      before.value('parley_http_requests_total', route) + 1,
    );
  });
});
