import {
  Inject,
  Injectable,
  Module,
  Scope,
  type INestApplicationContext,
  type Provider,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { newEvent } from '../../test/conversation-events.js';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../../test/redis-test-env.js';
import {
  DelayedJobs,
  EventBus,
  EventBusModule,
  EventConsumer,
  OnDelayedJob,
  OnTopic,
  Topics,
  type BusEvent,
  type DelayedJob,
  type EventBusModuleOptions,
} from '../index.js';

const prefix = uniquePrefix('nest');
let bus: EventBus;
const apps: INestApplicationContext[] = [];

/** What the handlers saw; injected into them, so a handler that runs without its `this` would fail. */
@Injectable()
class Seen {
  readonly events: BusEvent[] = [];
  readonly jobs: DelayedJob[] = [];
}

@EventConsumer('nest-webhooks')
@Injectable()
class WebhookSender {
  constructor(@Inject(Seen) private readonly seen: Seen) {}

  @OnTopic(Topics.messageSent)
  async deliverSent(event: BusEvent<'message.sent.v1'>): Promise<void> {
    this.seen.events.push(event);
  }

  @OnTopic(Topics.messageEdited)
  @OnTopic(Topics.messageRemoved)
  async deliverChange(event: BusEvent<'message.edited.v1' | 'message.removed.v1'>): Promise<void> {
    this.seen.events.push(event);
  }
}

@Injectable()
class CallTimers {
  constructor(@Inject(Seen) private readonly seen: Seen) {}

  @OnDelayedJob(DelayedJobs.callRingTimeout)
  async endUnansweredCall(job: DelayedJob<'call.ring-timeout.v1'>): Promise<void> {
    this.seen.jobs.push(job);
  }
}

@EventConsumer('nest-webhooks')
@Injectable()
class SecondSender {
  @OnTopic(Topics.messageSent)
  async deliverSent(): Promise<void> {}
}

@Injectable()
class StrayHandler {
  @OnTopic(Topics.messageSent)
  async deliverSent(): Promise<void> {}
}

@EventConsumer('nest-webhooks')
@Injectable({ scope: Scope.REQUEST })
class RequestScopedSender {
  @OnTopic(Topics.messageSent)
  async deliverSent(): Promise<void> {}
}

const webhooksGroup = {
  group: 'nest-webhooks',
  topics: [Topics.messageSent, Topics.messageEdited, Topics.messageRemoved],
};

async function startApp(
  declaration: Omit<EventBusModuleOptions, 'bus'>,
  providers: Provider[],
): Promise<INestApplicationContext> {
  @Module({ imports: [EventBusModule.forRoot({ bus, ...declaration })], providers: [Seen, ...providers] })
  class TestApp {}
  const app = await NestFactory.createApplicationContext(TestApp, { logger: false, abortOnError: false });
  apps.push(app);
  return app;
}

/** Start-up must fail; resolves with its message. */
async function refusalOf(
  declaration: Omit<EventBusModuleOptions, 'bus'>,
  providers: Provider[],
): Promise<string> {
  try {
    await startApp(declaration, providers);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the app started');
}

beforeAll(() => {
  bus = new EventBus({ redisUrl: testRedisUrl, prefix });
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

afterAll(async () => {
  await bus.close();
  await deleteKeysWithPrefix(prefix);
});

describe('EventBusModule', () => {
  it('runs the @OnTopic methods of an @EventConsumer for its group, and @OnDelayedJob methods when due', async () => {
    const app = await startApp(
      { consumerGroups: [webhooksGroup], delayedJobs: { names: [DelayedJobs.callRingTimeout] } },
      [WebhookSender, CallTimers],
    );
    const seen = app.get(Seen);
    expect(app.get(EventBus)).toBe(bus);

    const sent = newEvent(Topics.messageSent);
    const edited = newEvent(Topics.messageEdited);
    const removed = newEvent(Topics.messageRemoved);
    expect((await bus.publish(Topics.messageSent, sent)).deliveredToGroups).toEqual(['nest-webhooks']);
    await bus.publish(Topics.messageEdited, edited);
    await bus.publish(Topics.messageRemoved, removed);
    await bus.scheduleDelayed(DelayedJobs.callRingTimeout, 'call-1', { callId: 'call-1' }, 50);

    await vi.waitFor(() => expect(seen.events.map((e) => e.id)).toEqual([sent.id, edited.id, removed.id]), {
      timeout: 5_000,
    });
    await vi.waitFor(() => expect(seen.jobs.map((j) => j.payload)).toEqual([{ callId: 'call-1' }]), {
      timeout: 5_000,
    });
  });

  it('stops its workers when the app closes; jobs published meanwhile wait for the next start', async () => {
    const first = await startApp({ consumerGroups: [webhooksGroup] }, [WebhookSender]);
    await first.close();
    apps.splice(apps.indexOf(first), 1);

    const whileDown = newEvent(Topics.messageSent);
    await bus.publish(Topics.messageSent, whileDown);

    const second = await startApp({ consumerGroups: [webhooksGroup] }, [WebhookSender]);
    await vi.waitFor(() => expect(second.get(Seen).events.map((e) => e.id)).toEqual([whileDown.id]), {
      timeout: 5_000,
    });
  });

  it('refuses to start when a subscribed topic has no handler, naming group and topic', async () => {
    const message = await refusalOf(
      { consumerGroups: [{ group: 'nest-missing', topics: [Topics.conversationRead] }] },
      [],
    );
    expect(message).toBe(
      'event bus: refusing to start:\n- consumer group "nest-missing" subscribes to "conversation.read.v1" but no @OnTopic("conversation.read.v1") method handles it',
    );
    // Refused before anything was registered: the topic reaches no group.
    expect(
      (await bus.publish(Topics.conversationRead, newEvent(Topics.conversationRead))).deliveredToGroups,
    ).toEqual([]);
  });

  it('refuses to start when two handlers in one group take the same topic', async () => {
    const message = await refusalOf({ consumerGroups: [webhooksGroup] }, [WebhookSender, SecondSender]);
    expect(message).toContain(
      'consumer group "nest-webhooks" has 2 handlers for "message.sent.v1": WebhookSender.deliverSent, SecondSender.deliverSent',
    );
  });

  it('refuses handlers it could not run: no group, request-scoped, undeclared delayed job', async () => {
    const message = await refusalOf({ consumerGroups: [webhooksGroup] }, [
      WebhookSender,
      StrayHandler,
      RequestScopedSender,
      CallTimers,
    ]);
    expect(message.split('\n- ').slice(1)).toEqual([
      'RequestScopedSender has bus handlers but is not a singleton (request-scoped or transient)',
      'StrayHandler.deliverSent handles "message.sent.v1" but its class names no consumer group (@EventConsumer)',
      'consumer group "nest-webhooks" has 2 handlers for "message.sent.v1": WebhookSender.deliverSent, RequestScopedSender.deliverSent',
      'CallTimers.endUnansweredCall handles delayed job "call.ring-timeout.v1" but the app does not declare it (add it to delayedJobs.names)',
    ]);
  });

  it('refuses to start when a declared delayed job has no handler', async () => {
    await expect(
      refusalOf({ delayedJobs: { names: [DelayedJobs.inviteRing] } }, [CallTimers]),
    ).resolves.toContain(
      'delayed job "invite.ring.v1" is declared but no @OnDelayedJob("invite.ring.v1") method handles it',
    );
  });

  it('checks decorator arguments where the class is defined', () => {
    expect(() => EventConsumer('Not Kebab')).toThrow(/invalid consumer group name "Not Kebab"/);
    expect(() => OnTopic('message.sent.v0' as never)).toThrow(/unknown topic "message\.sent\.v0"/);
    expect(() => OnDelayedJob('call.ring-timeout.v0' as never)).toThrow(/unknown delayed job/);
  });
});
