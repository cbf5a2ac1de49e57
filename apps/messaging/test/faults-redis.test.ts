// Redis killed and restarted under steady chat traffic (a Redis of the test's own, never the machine's
// shared one): sends keep being accepted, every accepted message reaches every device, the outbox drains
// to the bus, and nothing hangs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, Topics, type BusEvent } from '@parley/event-bus';
import type { AuthSession } from '@parley/protocol';
import { Messenger, type Conversation } from '@parley/sdk';
import { nodeWebSocket } from '@parley/sdk/node';
import {
  allocateTestNamespace,
  dependencyStatus,
  eventually,
  readReadiness,
  startMessagingForTests,
  startPrivateRedis,
  type MessagingForTests,
  type PrivateRedis,
  type TestNamespace,
} from '@parley/testing';

let redis: PrivateRedis;
let ns: TestNamespace;
let messaging: MessagingForTests;
let bus: EventBus;
const open: Messenger[] = [];
const busMessageIds: string[] = [];

async function connect(session: AuthSession): Promise<Messenger> {
  const messenger = await Messenger.connect({
    baseUrl: messaging.url,
    session,
    createWebSocket: nodeWebSocket,
  });
  open.push(messenger);
  return messenger;
}

/** One user sending one message after another over REST, as fast as the answers come, until told to stop. */
class SteadySender {
  readonly accepted: Array<{ id: string; seq: number; clientMessageId: string }> = [];
  readonly failures: string[] = [];
  private stopped = false;
  readonly done: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly token: string,
    private readonly conversationId: string,
  ) {
    this.done = this.run();
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }

  private async run(): Promise<void> {
    for (let i = 1; !this.stopped; i++) {
      const clientMessageId = `${this.name}-${i}-${randomUUID()}`;
      try {
        const res = await fetch(`${messaging.url}/v1/conversations/${this.conversationId}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            clientMessageId,
            parts: [{ mimeType: 'text/plain', body: clientMessageId }],
          }),
          // Sends never need Redis: an answer that does not come is a hang, and fails the test.
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await res.json()) as { id: string; seq: number };
        if (res.status === 201) this.accepted.push({ id: body.id, seq: body.seq, clientMessageId });
        else this.failures.push(`${clientMessageId}: ${res.status} ${JSON.stringify(body)}`);
      } catch (err) {
        this.failures.push(`${clientMessageId}: ${(err as Error).message}`);
      }
    }
  }
}

const acceptedCount = (senders: SteadySender[]) => senders.reduce((n, s) => n + s.accepted.length, 0);

beforeAll(async () => {
  // Like the deployed Redis, an append-only file: the bus queues survive the restart.
  redis = await startPrivateRedis({ appendOnly: true });
  ns = allocateTestNamespace('faults_redis', { redisUrl: redis.url });
  messaging = await startMessagingForTests({ label: 'faults_redis', ns, env: { REDIS_URL: redis.url } });
  bus = new EventBus({ redisUrl: redis.url, prefix: ns.redisPrefix });
  await bus.subscribe('faults-redis-test', {
    [Topics.messageSent]: async (e: BusEvent) => {
      if ('type' in e.payload && e.payload.type === 'message.sent')
        busMessageIds.push(e.payload.payload.message.id);
    },
  });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(open.splice(0).map((m) => m.close()));
  await bus?.close();
  await messaging?.stop();
  if (redis && !redis.running) await redis.start().catch(() => undefined);
  await ns?.cleanup().catch(() => undefined);
  await redis?.cleanup();
});

describe('Redis restarted under steady chat traffic', () => {
  it('every accepted message reaches every device and the bus, the outbox drains, and messaging still stops cleanly', async () => {
    const sessions = await Promise.all(['ann', 'ben', 'cat'].map((name) => messaging.signUp(name)));
    const [annSession, benSession, catSession] = sessions as [AuthSession, AuthSession, AuthSession];
    // Four devices from the start: Ann on two, Ben and Cat on one each; a fifth joins during the outage.
    const devices = await Promise.all(
      [annSession, annSession, benSession, catSession].map((session) => connect(session)),
    );
    await Promise.all(devices.map((d) => d.synced()));
    const conv = await devices[0]!.createConversation({
      type: 'group',
      participants: [benSession.user.id, catSession.user.id],
    });
    const views: Conversation[] = await Promise.all(
      devices.map((d) => eventually(() => d.conversation(conv.id), 'each device knows the conversation')),
    );

    const senders = sessions.map(
      (session, i) => new SteadySender(['ann', 'ben', 'cat'][i]!, session.tokens.access_token, conv.id),
    );
    await eventually(() => acceptedCount(senders) >= 15, 'traffic flowing before the outage', 30_000);

    await redis.kill();
    const atKill = acceptedCount(senders);
    await eventually(
      async () => (await dependencyStatus(messaging.url, 'redis')) === 'down',
      'messaging sees Redis down',
      30_000,
    );
    // A device that connects while Redis is away cannot be subscribed to live delivery yet: it must still
    // come in by itself once Redis is back.
    const lateDevice = await connect(catSession);
    await eventually(
      () => acceptedCount(senders) >= atKill + 15,
      'sends accepted while Redis is down',
      30_000,
    );
    const duringOutage = acceptedCount(senders) - atKill;

    await redis.start();
    await eventually(
      async () => (await readReadiness(messaging.url)).httpStatus === 200,
      'messaging ready again',
      30_000,
    );
    const atRestart = acceptedCount(senders);
    await eventually(() => acceptedCount(senders) >= atRestart + 15, 'traffic after the restart', 30_000);
    await Promise.all(senders.map((s) => s.stop()));

    // Every send was answered, and accepted.
    expect(senders.flatMap((s) => s.failures)).toEqual([]);
    const accepted = senders.flatMap((s) => s.accepted);
    const acceptedSeqs = accepted.map((a) => a.seq).sort((x, y) => x - y);
    // seq 1 is the conversation's creation; the messages follow without a hole.
    expect(acceptedSeqs).toEqual(Array.from({ length: accepted.length }, (_, i) => i + 2));

    views.push(
      await eventually(
        () => lateDevice.conversation(conv.id),
        'the late device knows the conversation',
        30_000,
      ),
    );

    // Each device ends with exactly the accepted messages, in seq order, up to the last seq. The late device
    // first loads the latest page, as any device that comes to a long conversation; it reads back the rest.
    await eventually(
      () => views.at(-1)!.lastSeq === accepted.length + 1,
      'the late device at the last seq',
      30_000,
    );
    while (views.at(-1)!.hasOlder) await views.at(-1)!.loadOlder(100);
    for (const [i, view] of views.entries())
      await eventually(
        () => {
          const seqs = view.messages().map((m) => m.seq);
          return view.lastSeq === accepted.length + 1 && seqs.length === accepted.length;
        },
        `device ${i} has every message`,
        30_000,
      );
    for (const view of views) expect(view.messages().map((m) => m.seq)).toEqual(acceptedSeqs);

    // The outbox drains and the bus gets every message. A job the consumer held when Redis died stays
    // active until the bus's stalled-job check takes it back (10 s lock, checked every 2 s): about 10-14 s.
    await eventually(
      async () => (await readReadiness(messaging.url)).report.details.pendingOutbox === 0,
      'the outbox drained',
      30_000,
    );
    await eventually(
      () => accepted.every((a) => busMessageIds.includes(a.id)),
      'every message on the bus',
      40_000,
      { intervalMs: 200 },
    );
    const duplicatesOnBus = busMessageIds.length - new Set(busMessageIds).size;

    // A clean stop after the restart: nothing in the shutdown waits on a dead connection.
    expect(await messaging.service.stop()).toEqual({ code: 0, signal: null });
    console.info(
      `redis restart: ${accepted.length} messages accepted (${duringOutage} while Redis was down), ` +
        `${views.length} devices each with seqs 2..${accepted.length + 1}, ` +
        `${busMessageIds.length} bus deliveries (${duplicatesOnBus} duplicates), outbox 0`,
    );
  }, 115_000);
});
