import { describe, expect, it } from 'vitest';
import { DelayedJobs } from '../delayed-jobs.js';
import { Topics } from '../topics.js';
import { planHandlers, type DiscoveredHandlers, type DiscoveredRun } from './handler-plan.js';

const run: DiscoveredRun = async () => undefined;
const otherRun: DiscoveredRun = async () => undefined;

function found(partial: Partial<DiscoveredHandlers>): DiscoveredHandlers {
  return { consumers: [], topicHandlers: [], delayedJobHandlers: [], refused: [], ...partial };
}

const webhooks = { group: 'webhooks', topics: [Topics.messageSent, Topics.messageEdited] };
const webhookConsumer = { where: 'WebhookSender', group: 'webhooks' };

describe('planHandlers', () => {
  it("builds each group's handler table and the delayed jobs' table from the discovered methods", () => {
    const plan = planHandlers(
      { consumerGroups: [webhooks], delayedJobs: { names: [DelayedJobs.callRingTimeout], concurrency: 2 } },
      found({
        consumers: [webhookConsumer],
        topicHandlers: [
          { where: 'WebhookSender.sendSent', group: 'webhooks', topic: Topics.messageSent, run },
          {
            where: 'WebhookSender.sendEdited',
            group: 'webhooks',
            topic: Topics.messageEdited,
            run: otherRun,
          },
        ],
        delayedJobHandlers: [{ where: 'Calls.endUnanswered', name: DelayedJobs.callRingTimeout, run }],
      }),
    );
    expect(plan.groups).toEqual([
      { declaration: webhooks, handlers: { [Topics.messageSent]: run, [Topics.messageEdited]: otherRun } },
    ]);
    expect(plan.delayedJobs).toEqual({
      declaration: { names: [DelayedJobs.callRingTimeout], concurrency: 2 },
      handlers: { [DelayedJobs.callRingTimeout]: run },
    });
  });

  it('needs nothing when nothing is declared or found', () => {
    expect(planHandlers({}, found({}))).toEqual({ groups: [], delayedJobs: undefined });
  });

  it('refuses a subscribed topic without a handler, naming group and topic', () => {
    expect(() =>
      planHandlers(
        { consumerGroups: [webhooks] },
        found({
          consumers: [webhookConsumer],
          topicHandlers: [
            { where: 'WebhookSender.sendSent', group: 'webhooks', topic: Topics.messageSent, run },
          ],
        }),
      ),
    ).toThrow(
      'event bus: refusing to start:\n- consumer group "webhooks" subscribes to "message.edited.v1" but no @OnTopic("message.edited.v1") method handles it',
    );
  });

  it('refuses two handlers for one topic in one group, naming both', () => {
    expect(() =>
      planHandlers(
        { consumerGroups: [{ group: 'webhooks', topics: [Topics.messageSent] }] },
        found({
          consumers: [webhookConsumer, { where: 'AuditTrail', group: 'webhooks' }],
          topicHandlers: [
            { where: 'WebhookSender.sendSent', group: 'webhooks', topic: Topics.messageSent, run },
            { where: 'AuditTrail.record', group: 'webhooks', topic: Topics.messageSent, run },
          ],
        }),
      ),
    ).toThrow(
      /consumer group "webhooks" has 2 handlers for "message\.sent\.v1": WebhookSender\.sendSent, AuditTrail\.record/,
    );
  });

  it('allows one topic handled once in each of two groups', () => {
    const plan = planHandlers(
      {
        consumerGroups: [
          { group: 'webhooks', topics: [Topics.messageSent] },
          { group: 'search', topics: [Topics.messageSent] },
        ],
      },
      found({
        consumers: [webhookConsumer, { where: 'SearchIndexer', group: 'search' }],
        topicHandlers: [
          { where: 'WebhookSender.sendSent', group: 'webhooks', topic: Topics.messageSent, run },
          { where: 'SearchIndexer.index', group: 'search', topic: Topics.messageSent, run: otherRun },
        ],
      }),
    );
    expect(plan.groups.map((g) => [g.declaration.group, g.handlers[Topics.messageSent]])).toEqual([
      ['webhooks', run],
      ['search', otherRun],
    ]);
  });

  it('lists every problem at once: stray handlers, undeclared groups, bad declarations', () => {
    let message = '';
    try {
      planHandlers(
        {
          consumerGroups: [
            { group: 'webhooks', topics: [Topics.messageSent] },
            { group: 'webhooks', topics: [Topics.messageSent] },
            { group: 'empty', topics: [] },
            { group: 'Bad Name', topics: [Topics.messageSent] },
            { group: 'typo', topics: ['message.sent.v9' as never] },
          ],
          delayedJobs: { names: [DelayedJobs.inviteRing, 'call.ring-timeout.v9' as never] },
        },
        found({
          consumers: [webhookConsumer, { where: 'Pusher', group: 'push' }],
          topicHandlers: [
            { where: 'WebhookSender.sendSent', group: 'webhooks', topic: Topics.messageSent, run },
            { where: 'WebhookSender.sendRead', group: 'webhooks', topic: Topics.conversationRead, run },
            { where: 'Loose.onSent', group: undefined, topic: Topics.messageSent, run },
            { where: 'Pusher.push', group: 'push', topic: Topics.messageSent, run },
          ],
          delayedJobHandlers: [
            { where: 'Invites.ring', name: DelayedJobs.inviteRing, run },
            { where: 'Invites.ringAgain', name: DelayedJobs.inviteRing, run },
            { where: 'Calls.timeout', name: DelayedJobs.callRingTimeout, run },
          ],
          refused: ['Scoped has bus handlers but is not a singleton (request-scoped or transient)'],
        }),
      );
    } catch (err) {
      message = (err as Error).message;
    }
    const problems = message.split('\n- ').slice(1);
    expect(problems).toEqual([
      'Scoped has bus handlers but is not a singleton (request-scoped or transient)',
      'consumer group "webhooks" is declared twice',
      'consumer group "empty" subscribes to no topic',
      'invalid consumer group name "Bad Name" (expected lower-case kebab-case)',
      'consumer group "typo" subscribes to unknown topic "message.sent.v9"',
      'Pusher is an @EventConsumer("push") but consumer group "push" is not declared',
      'WebhookSender.sendRead handles "conversation.read.v1" but consumer group "webhooks" does not subscribe to it (add it to the group\'s topics)',
      'Loose.onSent handles "message.sent.v1" but its class names no consumer group (@EventConsumer)',
      'delayed job "call.ring-timeout.v9" is declared but unknown',
      'Calls.timeout handles delayed job "call.ring-timeout.v1" but the app does not declare it (add it to delayedJobs.names)',
      'delayed job "invite.ring.v1" has 2 handlers: Invites.ring, Invites.ringAgain',
    ]);
  });

  it('refuses a declared delayed job without a handler', () => {
    expect(() => planHandlers({ delayedJobs: { names: [DelayedJobs.callRingTimeout] } }, found({}))).toThrow(
      'delayed job "call.ring-timeout.v1" is declared but no @OnDelayedJob("call.ring-timeout.v1") method handles it',
    );
    expect(() => planHandlers({ delayedJobs: { names: [] } }, found({}))).toThrow(
      'delayed jobs are declared with no name',
    );
  });
});
