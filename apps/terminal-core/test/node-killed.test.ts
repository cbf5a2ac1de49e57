// A node killed outright (SIGKILL) never tells anyone its terminals are gone. The surviving node ends the
// calls it shared with it once the dead node's liveness key has expired: no call is left hanging.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freePort, startService, testRedisUrl, type ServiceProcess } from '@parley/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTerminalCore } from './support/core-under-test.js';
import { TerminalFixture } from './support/terminal-fixture.js';

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const world = new TerminalFixture('node_killed', '+4795');
/** The liveness key lives 15 s and the survivor looks every 5 s; gRPC keepalive gives up after 30 s. */
const KEEPALIVE_MS = 30_000;
let survivor: RunningTerminalCore;
let doomed: ServiceProcess;
let doomedGrpcPort: number;

beforeAll(async () => {
  await world.start({}, ['survivor']);
  survivor = world.core;
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  doomedGrpcPort = grpcPort;
  doomed = await startService({
    name: 'terminal-core (to be killed)',
    main: mainJs,
    env: {
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      GRPC_PORT: String(grpcPort),
      GRPC_HOST: '127.0.0.1',
      REDIS_URL: testRedisUrl,
      REDIS_PREFIX: world.ns.redisPrefix,
      JWKS_URL: world.jwksUrl,
      NODE_ID: 'doomed',
      LOG_LEVEL: 'warn',
    },
    healthUrl: `http://127.0.0.1:${httpPort}/health/ready`,
  });
}, 60_000);
afterAll(async () => {
  await doomed?.stop(1000);
  await world.stop();
});

describe('a core node killed mid-call', () => {
  it('ends, on the surviving node, every call it shared with the dead node', async () => {
    const doomedNode = { grpcPort: doomedGrpcPort } as RunningTerminalCore;
    // The dead node owned this one (its caller was there) ...
    const ownedThere = await world.activeCall(doomedNode, survivor);
    // ... the survivor owns this one, its callee was on the dead node ...
    const ownedHere = await world.activeCall(survivor, doomedNode);
    // ... and this one was still ringing on the survivor when its caller's node died.
    const calleeNumber = world.msisdn();
    const callee = await world.terminal(calleeNumber, 'multi', survivor);
    const caller = await world.terminal(world.msisdn(), 'multi', doomedNode);
    const ringing = randomUUID();
    caller.offer(ringing, calleeNumber);
    await callee.next('offer', ringing);

    doomed.child.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');

    const [toCallee, toCaller, toRinging] = await Promise.all([
      ownedThere.callee.next('bye', ownedThere.id, KEEPALIVE_MS),
      ownedHere.caller.next('bye', ownedHere.id, KEEPALIVE_MS),
      callee.next('bye', ringing, KEEPALIVE_MS),
    ]);
    expect(toCallee.message).toMatchObject({ value: { reason: 'connection_lost' } });
    expect(toCaller.message).toMatchObject({ value: { reason: 'connection_lost' } });
    expect(toRinging.message).toMatchObject({ value: { reason: 'cancelled' } });
    expect(survivor.coordinator.ownedCallCount).toBe(0);
  }, 60_000);
});
