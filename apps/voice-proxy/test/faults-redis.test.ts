// Redis killed and restarted under support-line calls (a Redis of the test's own, shared by messaging and
// the proxy, never the machine's): a ringing call and an active call each carry on across the restart. A
// signal sent while Redis is away is refused with a retryable 503, and the same signal (same id) sent again
// once Redis is back goes through once.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SendVoiceSignalRequest } from '@parley/protocol';
import {
  dependencyStatus,
  eventually,
  startPrivateRedis,
  type PrivateRedis,
  type ServiceProcess,
} from '@parley/testing';
import { PROXY_CLIENT, SupportWorld, type Customer, type Party } from './support/support-world.js';

let redis: PrivateRedis;
let proxy: ServiceProcess;
const world = new SupportWorld('faults_redis');

/** Kills Redis and waits until both services have noticed it is gone. */
async function killRedis(): Promise<void> {
  await redis.kill();
  for (const url of [world.messagingUrl, world.proxyUrl])
    await eventually(
      async () => (await dependencyStatus(url, 'redis')) === 'down',
      `${url} sees Redis down`,
      30_000,
    );
}

/** Starts Redis again and waits until both services are ready on it. */
async function restartRedis(): Promise<void> {
  await redis.start();
  for (const url of [world.messagingUrl, world.proxyUrl])
    await eventually(
      async () => (await fetch(`${url}/health/ready`)).status === 200,
      `${url} ready again`,
      30_000,
    );
}

async function postSignal(from: { token: string }, signal: SendVoiceSignalRequest) {
  const res = await fetch(`${world.messagingUrl}/v1/voice/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${from.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(signal),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

/**
 * A signal to the line sent while Redis is down, as a client does it: refused with a retryable 503, then sent
 * again with the same id once Redis is back.
 */
async function toLineAcrossOutage(
  from: Party,
  customer: Customer,
  callId: string,
  kind: SendVoiceSignalRequest['kind'],
  peerInfo?: string,
): Promise<void> {
  const signal: SendVoiceSignalRequest = {
    id: randomUUID(),
    kind,
    to: PROXY_CLIENT.id,
    cid: customer.cid,
    call_id: callId,
    ...(peerInfo ? { peer_info: peerInfo } : {}),
  };
  const refused = await postSignal(from, signal);
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ code: 'realtime_unavailable' });
  expect(refused.retryAfter).toMatch(/^[1-9]\d*$/);
  await restartRedis();
  // Each of messaging's Redis clients reconnects on its own schedule: until the last has, the answer may
  // still be the same retryable 503.
  await eventually(async () => {
    const again = await postSignal(from, signal);
    if (again.status !== 201) expect(again.body).toMatchObject({ code: 'realtime_unavailable' });
    return again.status === 201;
  }, `the ${kind} sent again accepted`);
}

beforeAll(async () => {
  // Like the deployed Redis, an append-only file: the bus queues and the ring timers survive the restart.
  redis = await startPrivateRedis({ appendOnly: true });
  await world.startMessaging({ REDIS_URL: redis.url });
  proxy = await world.startProxyProcess({ REDIS_URL: redis.url, VOICE_RING_TIMEOUT_MS: '90000' });
}, 120_000);
afterEach(async () => {
  if (!redis.running) await restartRedis();
  await world.offDuty();
});
afterAll(async () => {
  await world.stop();
  await redis?.cleanup();
});

describe('Redis restarted during support-line calls', () => {
  it('a ringing call: the answer refused while Redis is down and sent again after, it connects and ends normally on both sides', async () => {
    const uma = await world.operator('Uma Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await uma.socket.next('start', callId);

    await killRedis();
    await toLineAcrossOutage(uma, customer, callId, 'accept', 'v=0 answer while Redis is down');

    const accept = await customer.socket.next('accept', callId, 30_000);
    expect(accept).toMatchObject({
      peer_info: 'v=0 answer while Redis is down',
      data: { operator_name: 'Uma Operator' },
    });
    await world.toLine(customer, customer, callId, 'stop');
    await uma.socket.next('stop', callId, 20_000);
    const [toCustomer, toUma] = await Promise.all([
      customer.socket.next('summary', callId, 20_000),
      uma.socket.next('summary', callId, 20_000),
    ]);
    expect(toCustomer.data).toMatchObject({ end_reason: 'completed' });
    expect(toUma.data).toMatchObject({ end_reason: 'completed' });
    // The call continued: each side saw exactly a normal call's signals, nothing twice.
    expect(customer.socket.kinds(callId)).toEqual(['accept', 'summary']);
    expect(uma.socket.kinds(callId)).toEqual(['setup', 'start', 'stop', 'summary']);
    expect(await world.callLogEntry(customer, customer.cid, callId)).toMatchObject({ outcome: 'completed' });
  }, 90_000);

  it('an active call: a hang-up refused while Redis is down and sent again after ends it on both sides', async () => {
    const vic = await world.operator('Vic Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await vic.socket.next('start', callId);
    await world.toLine(vic, customer, callId, 'accept', 'v=0 answer');
    await customer.socket.next('accept', callId);

    await killRedis();
    await toLineAcrossOutage(customer, customer, callId, 'stop');

    await vic.socket.next('stop', callId, 30_000);
    const [toCustomer, toVic] = await Promise.all([
      customer.socket.next('summary', callId, 20_000),
      vic.socket.next('summary', callId, 20_000),
    ]);
    expect(toCustomer.data).toMatchObject({ end_reason: 'completed' });
    expect(toVic.data).toMatchObject({ end_reason: 'completed' });
    expect(customer.socket.kinds(callId)).toEqual(['accept', 'summary']);
    expect(vic.socket.kinds(callId)).toEqual(['setup', 'start', 'stop', 'summary']);
    expect(await world.callLogEntry(customer, customer.cid, callId)).toMatchObject({ outcome: 'completed' });
  }, 90_000);

  it('an active call across a restart with nothing sent meanwhile: still connected after, and ends normally', async () => {
    const wes = await world.operator('Wes Operator');
    const customer = await world.customer();
    const callId = await world.call(customer);
    await wes.socket.next('start', callId);
    await world.toLine(wes, customer, callId, 'accept', 'v=0 answer');
    await customer.socket.next('accept', callId);

    await killRedis();
    await restartRedis();

    // The operator hangs up after the restart: the customer is told, both get a summary.
    await world.toLine(wes, customer, callId, 'stop');
    await customer.socket.next('stop', callId, 30_000);
    await Promise.all([
      customer.socket.next('summary', callId, 20_000),
      wes.socket.next('summary', callId, 20_000),
    ]);
    expect(customer.socket.kinds(callId)).toEqual(['accept', 'stop', 'summary']);
    expect(wes.socket.kinds(callId)).toEqual(['setup', 'start', 'summary']);
    expect(await world.callLogEntry(customer, customer.cid, callId)).toMatchObject({ outcome: 'completed' });
    expect(proxy.child.exitCode).toBeNull();
  }, 90_000);
});
