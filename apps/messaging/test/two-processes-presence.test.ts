// Several processes share PostgreSQL, not an embedded PGlite directory: this file runs on PostgreSQL only
// (scripts/run-db-matrix.mjs leaves two-processes*.test.ts out of the PGlite run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateTestNamespace, type ServiceProcess } from '@parley/testing';
import type { ServerFrame, UserPresence } from '@parley/protocol';
import { startMessagingProcess } from './support/messaging-under-test.js';
import type { ApiClient, TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';

type PresenceFrame = Extract<ServerFrame, { type: 'presence' }>;

function presenceOf(userId: string, status: UserPresence['status']) {
  return (f: ServerFrame): f is PresenceFrame =>
    f.type === 'presence' && f.userId === userId && f.status === status;
}

const devices: TestDevice[] = [];
async function connect(baseUrl: string, user: TestUser): Promise<TestDevice> {
  const device = await TestDevice.connect(baseUrl, user.token);
  devices.push(device);
  return device;
}

describe('presence across two nodes', () => {
  const ns = allocateTestNamespace('presence2');
  const services: ServiceProcess[] = [];
  let nodeA: ApiClient, nodeB: ApiClient;
  let ann: TestUser, ben: TestUser;

  async function startNode(): Promise<{ api: ApiClient; service: ServiceProcess }> {
    const started = await startMessagingProcess(ns, { WS_PING_INTERVAL_MS: '300' });
    services.push(started.service);
    return started;
  }

  beforeAll(async () => {
    nodeB = (await startNode()).api;
    ann = await nodeB.newUser('ann');
    ben = await nodeB.newUser('ben');
    await nodeB.post('/v1/conversations', ann.token, { type: 'direct', participants: [ben.id] });
  });
  afterAll(async () => {
    devices.forEach((d) => d.close());
    await Promise.all(services.map((s) => s.stop()));
    await ns.cleanup();
  });

  it('shows a user online on every node, and offline once the node serving them crashes', async () => {
    const a = await startNode();
    nodeA = a.api;
    const benOnB = await connect(nodeB.baseUrl, ben);
    await connect(nodeA.baseUrl, ann);
    await benOnB.waitFor(presenceOf(ann.id, 'online'));
    const read = await nodeB.get(`/v1/presence?userIds=${ann.id}`, ben.token);
    expect(read.body.presence[0]).toMatchObject({ userId: ann.id, status: 'online' });

    a.service.child.kill('SIGKILL'); // no close handshake, no disconnect recorded: only the expiry is left
    await a.service.exited;
    const offline = await benOnB.waitFor(presenceOf(ann.id, 'offline'), 15_000);
    expect(offline.lastSeenAt).not.toBeNull();
    const after = await nodeB.get(`/v1/presence?userIds=${ann.id}`, ben.token);
    expect(after.body.presence[0]).toMatchObject({ status: 'offline' });
  });
});
