import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateTestNamespace, type ServiceProcess } from '@parley/testing';
import type { ApiClient, TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';
import { startMessagingProcess } from './support/messaging-under-test.js';

const ns = allocateTestNamespace('twoproc');
const services: ServiceProcess[] = [];
const devices: TestDevice[] = [];

async function startProcess(): Promise<ApiClient> {
  const { api, service } = await startMessagingProcess(ns);
  services.push(service);
  return api;
}

// Two processes can share PostgreSQL, not an embedded PGlite directory: the PGlite run leaves this file out.
describe('two messaging processes serve one conversation', () => {
  let nodeA: ApiClient, nodeB: ApiClient;
  let ann: TestUser, ben: TestUser;

  beforeAll(async () => {
    nodeA = await startProcess();
    nodeB = await startProcess();
    ann = await nodeA.newUser('ann');
    ben = await nodeB.newUser('ben');
  });
  afterAll(async () => {
    devices.forEach((d) => d.close());
    await Promise.all(services.map((s) => s.stop()));
    await ns.cleanup();
  });

  it('delivers every event to devices connected to either process', async () => {
    const annOnA = await TestDevice.connect(nodeA.baseUrl, ann.token);
    const annOnB = await TestDevice.connect(nodeB.baseUrl, ann.token);
    const benOnB = await TestDevice.connect(nodeB.baseUrl, ben.token);
    const benOnA = await TestDevice.connect(nodeA.baseUrl, ben.token);
    devices.push(annOnA, annOnB, benOnB, benOnA);

    const conv = await nodeA.post('/v1/conversations', ann.token, {
      type: 'direct',
      participants: [ben.id],
      distinct: true,
    });
    await nodeB.post(`/v1/conversations/${conv.body.id}/messages`, ben.token, {
      clientMessageId: 'b1',
      parts: [{ mimeType: 'text/plain', body: 'via B' }],
    });
    await nodeA.post(`/v1/conversations/${conv.body.id}/messages`, ann.token, {
      clientMessageId: 'a1',
      parts: [{ mimeType: 'text/plain', body: 'via A' }],
    });
    await nodeB.post(`/v1/conversations/${conv.body.id}/read`, ben.token, { seq: 3 });

    for (const device of [annOnA, annOnB, benOnB, benOnA]) {
      const events = await device.waitForEvents(4);
      expect(events.map((e) => [e.seq, e.type])).toEqual([
        [1, 'conversation.created'],
        [2, 'message.sent'],
        [3, 'message.sent'],
        [4, 'conversation.read'],
      ]);
    }
  });

  it('accepts a token issued by one process on the other (one signing key)', async () => {
    const me = await nodeB.get('/v1/me', ann.token);
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(ann.id);
  });
});
