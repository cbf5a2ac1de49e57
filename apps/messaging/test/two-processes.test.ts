import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, uniqueUsername, type TestUser } from './support/api-client.js';
import { TestDevice } from './support/device.js';
import { cleanNamespace } from './support/messaging-under-test.js';
import { freePort, stopProcess, waitForOutput } from './support/processes.js';
import { messagingEnv, uniqueNamespace } from './support/test-env.js';

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const ns = uniqueNamespace('twoproc');
const children: ChildProcess[] = [];
const devices: TestDevice[] = [];

async function startProcess(): Promise<ApiClient> {
  const port = await freePort();
  const child = spawn(process.execPath, [mainJs], {
    env: { ...process.env, ...messagingEnv(ns, { PORT: String(port), LOG_LEVEL: 'info' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  await waitForOutput(child, /messaging listening/);
  return new ApiClient(`http://127.0.0.1:${port}`);
}

// Two processes can share PostgreSQL, not an embedded PGlite directory: the PGlite run leaves this file out.
describe('two messaging processes serve one conversation', () => {
  let nodeA: ApiClient, nodeB: ApiClient;
  let ann: TestUser, ben: TestUser;

  beforeAll(async () => {
    nodeA = await startProcess();
    nodeB = await startProcess();
    ann = await nodeA.signUp(uniqueUsername('ann'));
    ben = await nodeB.signUp(uniqueUsername('ben'));
  });
  afterAll(async () => {
    devices.forEach((d) => d.close());
    await Promise.all(children.map(stopProcess));
    await cleanNamespace(ns);
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
