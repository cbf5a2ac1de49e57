// Redis killed and restarted under calls (a Redis of the test's own, never the machine's shared one): the
// owner decides its calls from memory, so a ringing call and an active call carry on across the outage and
// end with a Bye afterwards; a new call or a terminal arriving while Redis is away gets a clear answer
// instead of silence (a browser terminal a 503 at the upgrade); once Redis is back, new calls connect and
// the node still stops cleanly.
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalErrorCode } from '@parley/protocol';
import { dependencyStatus, eventually, startPrivateRedis, type PrivateRedis } from '@parley/testing';
import { GrpcTerminal } from './support/grpc-terminal.js';
import { TerminalFixture } from './support/terminal-fixture.js';
import { upgradeStatus } from './support/ws-terminal.js';

let redis: PrivateRedis;
let world: TerminalFixture;

beforeAll(async () => {
  // Like the deployed Redis, an append-only file: registrations and call records survive the restart.
  redis = await startPrivateRedis({ appendOnly: true });
  world = new TerminalFixture('faults_redis', '+4795', redis.url);
  await world.start({ REDIS_URL: redis.url });
}, 60_000);

afterAll(async () => {
  if (redis && !redis.running) await redis.start().catch(() => undefined);
  await world?.stop();
  await redis?.cleanup();
});

describe('Redis restarted under calls', () => {
  it('ringing and active calls carry on and end with a Bye, new calls and terminals get an answer, and new calls work after', async () => {
    const active = await world.activeCall();
    const [ringingCaller, ringingCallee] = [world.msisdn(), world.msisdn()];
    const caller = await world.terminal(ringingCaller);
    const callee = await world.terminal(ringingCallee);
    const ringingId = randomUUID();
    caller.offer(ringingId, ringingCallee);
    await callee.next('offer', ringingId);
    callee.ringing(ringingId);
    await caller.next('ringing', ringingId);
    const [lateCaller, lateCallee] = [world.msisdn(), world.msisdn()];
    const late = await world.terminal(lateCaller);
    const lateTarget = await world.terminal(lateCallee);

    await redis.kill();
    await eventually(
      async () => (await dependencyStatus(world.core.httpUrl, 'redis')) === 'down',
      'the core sees Redis down',
      30_000,
    );

    // The active call renegotiates while Redis is away: both ends are decided for from memory.
    active.caller.send({
      callId: active.id,
      message: { $case: 'offer', value: { sdp: 'v=0 renegotiated' } },
    });
    expect((await active.callee.next('offer', active.id)).message).toMatchObject({
      value: { sdp: 'v=0 renegotiated' },
    });
    active.callee.answer(active.id, 'v=0 renegotiated answer');
    await active.caller.next('answer', active.id);
    // The ringing call is answered while Redis is away.
    callee.answer(ringingId);
    await caller.next('answer', ringingId);
    // A new call cannot claim its id without Redis: the caller hears so at once and may try again.
    const refusedId = randomUUID();
    late.offer(refusedId, lateCallee);
    expect((await late.next('error', refusedId)).message).toMatchObject({
      value: { err: TerminalErrorCode.TRY_AGAIN },
    });
    expect(lateTarget.kinds()).not.toContain('offer');
    // A terminal that connects now is not in the directory: its stream ends, and it reconnects later.
    const unregistered = world.track(
      GrpcTerminal.open(world.core.grpcPort, await world.tokenFor(world.msisdn()), 'multi'),
    );
    expect(await unregistered.waitForError()).toMatchObject({ code: status.UNAVAILABLE });
    // A browser terminal is refused at the upgrade, with a status its client retries.
    const token = await world.tokenFor(world.msisdn());
    expect(
      await upgradeStatus(`${world.core.httpUrl.replace('http', 'ws')}/v1/terminal?access_token=${token}`),
    ).toBe(503);

    await redis.start();
    await eventually(
      async () => (await dependencyStatus(world.core.httpUrl, 'redis')) === 'up',
      'the core sees Redis again',
      30_000,
    );

    // Both calls end as calls do: the other party gets the Bye.
    active.caller.bye(active.id);
    await active.callee.next('bye', active.id);
    caller.bye(ringingId);
    await callee.next('bye', ringingId);
    // A new call connects, between terminals registered before the outage and between new ones.
    const againId = randomUUID();
    late.offer(againId, lateCallee);
    await lateTarget.next('offer', againId);
    lateTarget.answer(againId);
    await late.next('answer', againId);
    const fresh = await world.activeCall();
    fresh.callee.bye(fresh.id);
    await fresh.caller.next('bye', fresh.id);
    expect([late.error, lateTarget.error, caller.error, callee.error]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  }, 90_000);
});
