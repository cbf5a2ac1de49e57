// Effects are stored with the state change and carried out after commit: when messaging cannot be reached
// they wait in PostgreSQL and go out later with the same signal ids. Here the coordinator runs on the real
// PostgreSQL, Redis and bus, with a messaging stand-in that can be made to fail.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type Database } from '@parley/db';
import { EventBus } from '@parley/event-bus';
import { createLogger } from '@parley/logger';
import type { SendVoiceSignalRequest, SendVoiceSignalResponse, VoiceSignalEvent } from '@parley/protocol';
import { allocateTestNamespace, testDatabaseUrl, testDb, testRedisUrl } from '@parley/testing';
import { Redis } from 'ioredis';
import { CallCoordinator } from '../src/calls/call-coordinator.js';
import { CallsRepository } from '../src/calls/calls.repository.js';
import { MessagingUnavailableError, type SignalSender } from '@parley/server-sdk';
import { OperatorRoster } from '@parley/desk';
import { voiceProxyMigrations } from '../src/storage/migrations.js';

/** Messaging as the proxy sees it: records what it was asked to send; fails while `down`. */
class MessagingStandIn implements SignalSender {
  down = false;
  readonly attempted: SendVoiceSignalRequest[] = [];
  readonly sent: SendVoiceSignalRequest[] = [];

  async sendSignal(request: SendVoiceSignalRequest): Promise<SendVoiceSignalResponse> {
    this.attempted.push(request);
    if (this.down) throw new MessagingUnavailableError('connection refused');
    this.sent.push(request);
    return {
      delivered: true,
      signal: {
        id: request.id!,
        kind: request.kind,
        iss: 'voice-proxy',
        issKind: 'client',
        to: request.to,
        toKind: 'user',
        cid: request.cid,
        call_id: request.call_id,
        sentAt: new Date().toISOString(),
      },
    };
  }
}

const ns = allocateTestNamespace('vp_pending');
let db: Database;
let redis: Redis;
let bus: EventBus;
let operators: OperatorRoster;
const messaging = new MessagingStandIn();
let coordinator: CallCoordinator;

beforeAll(async () => {
  db = await openDatabase(
    testDb === 'postgres'
      ? { url: testDatabaseUrl, schema: ns.schema }
      : { schema: ns.schema, pgliteDir: 'memory://' },
  );
  await runMigrations(db, voiceProxyMigrations);
  redis = new Redis(testRedisUrl);
  bus = new EventBus({ redisUrl: testRedisUrl, prefix: ns.redisPrefix });
  operators = new OperatorRoster(redis, ns.redisPrefix);
  coordinator = new CallCoordinator(
    db,
    new CallsRepository(),
    operators,
    messaging,
    bus,
    createLogger({ service: 'voice-proxy-test', level: 'silent' }),
    { lineId: 'voice-proxy', ringTimeoutMs: 60_000 },
  );
});
afterAll(async () => {
  await bus?.close();
  redis?.disconnect();
  await db?.close();
  await ns.cleanup();
});

function startSignal(customerId: string): VoiceSignalEvent {
  return {
    id: randomUUID(),
    kind: 'start',
    iss: customerId,
    issKind: 'user',
    to: 'voice-proxy',
    toKind: 'client',
    cid: randomUUID(),
    call_id: `call-${randomUUID()}`,
    peer_info: 'v=0 offer',
    sentAt: new Date().toISOString(),
    delivered: false,
  };
}

describe('pending effects', () => {
  it('survive a messaging outage and go out later, once, with the ids of the first try', async () => {
    const operatorId = randomUUID();
    await operators.setAvailable(operatorId, 'Olga');
    const start = startSignal(randomUUID());

    messaging.down = true;
    await expect(coordinator.routeSignal(start)).rejects.toThrow(MessagingUnavailableError);
    const firstTry = messaging.attempted.find((r) => r.call_id === start.call_id)!;
    expect(firstTry).toMatchObject({ kind: 'setup', to: operatorId });
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pending_effects');
    expect(rows[0]!.n).toBeGreaterThanOrEqual(2); // setup and start still to send
    // The operator stays claimed for this call meanwhile: nobody else rings them.
    expect(await operators.availability(operatorId)).toMatchObject({ inCall: true });

    // The bus retries the same signal while messaging is still down: still nothing sent, no second call.
    await expect(coordinator.routeSignal(start)).rejects.toThrow(MessagingUnavailableError);

    messaging.down = false;
    expect(await coordinator.retryPendingEffects(0)).toBe(1);
    const sent = messaging.sent.filter((r) => r.call_id === start.call_id);
    expect(sent.map((r) => r.kind)).toEqual(['setup', 'start']);
    expect(sent[0]!.id).toBe(firstTry.id);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pending_effects')).rows[0]!.n).toBe(
      0,
    );

    // Nothing is left to redo: another sweep and another retry of the signal send nothing.
    await coordinator.retryPendingEffects(0);
    await coordinator.routeSignal(start);
    expect(messaging.sent.filter((r) => r.call_id === start.call_id)).toHaveLength(2);
  });
});
