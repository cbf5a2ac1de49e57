import { randomUUID } from 'node:crypto';
import { Topics, type BusEvent } from '@parley/event-bus';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  activeSecrets,
  afterFailedAttempt,
  deliveryIdFor,
  disableReason,
  newWebhookSecret,
  signedHeaders,
  webhooksOfEvent,
} from './delivery-rules.js';

const schedule = [5_000, 300_000, 1_800_000];

function callUpdate(status: 'started' | 'ended' | 'missed'): BusEvent<typeof Topics.providerCallUpdated> {
  return {
    id: 'call-1-v2',
    topic: Topics.providerCallUpdated,
    occurredAt: '2026-01-01T10:00:00.000Z',
    payload: {
      callId: randomUUID(),
      conversationId: randomUUID(),
      createdBy: randomUUID(),
      voipLink: { provider: 'parley', callId: 'parley-1', status, media: 'video' },
    },
  };
}

describe('webhooks of a bus event', () => {
  it('a provider call that ended or was missed is also a provider.call.ended', () => {
    expect(webhooksOfEvent(callUpdate('started')).map((w) => w.type)).toEqual(['provider.call.updated']);
    expect(webhooksOfEvent(callUpdate('ended')).map((w) => w.type)).toEqual([
      'provider.call.updated',
      'provider.call.ended',
    ]);
    expect(webhooksOfEvent(callUpdate('missed')).map((w) => w.type)).toContain('provider.call.ended');
  });

  it('the body is {type, timestamp, data} with the time the event happened', () => {
    const event = callUpdate('started');
    const [webhook] = webhooksOfEvent(event);
    expect(JSON.parse(webhook!.body)).toEqual({
      type: 'provider.call.updated',
      timestamp: event.occurredAt,
      data: event.payload,
    });
  });
});

describe('delivery ids', () => {
  it('are UUIDs stable per (event, type, endpoint) and differ otherwise', () => {
    const endpoint = randomUUID();
    const id = deliveryIdFor('event-1', 'message.sent', endpoint);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryIdFor('event-1', 'message.sent', endpoint)).toBe(id);
    expect(deliveryIdFor('event-2', 'message.sent', endpoint)).not.toBe(id);
    expect(deliveryIdFor('event-1', 'message.sent', randomUUID())).not.toBe(id);
    expect(deliveryIdFor('event-1', 'message.edited', endpoint)).not.toBe(id);
  });
});

describe('signatures', () => {
  it('one v1 signature per active secret, each verifying with its own secret', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const at = new Date();
    const body = '{"type":"message.sent"}';
    const headers = signedHeaders('msg_1', body, [current, previous], at);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
  });

  it('the previous secret signs only until its overlap ends', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    const endpoint = { secret: 'whsec_new', previousSecret: 'whsec_old' };
    expect(activeSecrets({ ...endpoint, previousSecretExpiresAt: new Date(now.getTime() + 1) }, now)).toEqual(
      ['whsec_new', 'whsec_old'],
    );
    expect(activeSecrets({ ...endpoint, previousSecretExpiresAt: now }, now)).toEqual(['whsec_new']);
    expect(
      activeSecrets({ secret: 'whsec_new', previousSecret: null, previousSecretExpiresAt: null }, now),
    ).toEqual(['whsec_new']);
  });
});

describe('retry schedule', () => {
  it('each failed attempt waits the next delay, and the one after the last delay is dead', () => {
    expect(afterFailedAttempt(1, 0, schedule)).toEqual({ next: 'retry', attempt: 2, delayMs: 5_000 });
    expect(afterFailedAttempt(3, 0, schedule)).toEqual({ next: 'retry', attempt: 4, delayMs: 1_800_000 });
    expect(afterFailedAttempt(4, 0, schedule)).toEqual({ next: 'dead' });
  });

  it('a redelivery gets the whole schedule again', () => {
    expect(afterFailedAttempt(5, 4, schedule)).toEqual({ next: 'retry', attempt: 6, delayMs: 5_000 });
    expect(afterFailedAttempt(8, 4, schedule)).toEqual({ next: 'dead' });
  });

  it('no schedule: the first failure is final', () => {
    expect(afterFailedAttempt(1, 0, [])).toEqual({ next: 'dead' });
  });
});

describe('automatic disabling', () => {
  const policy = { failures: 3, failingForMs: 60_000 };
  const now = new Date('2026-01-01T10:00:00Z');
  const since = (msAgo: number): Date => new Date(now.getTime() - msAgo);

  it('needs both enough failures in a row and long enough without a success', () => {
    expect(disableReason({ consecutiveFailures: 3, failingSince: since(60_000) }, policy, now)).toMatch(
      /3 attempts in a row failed since 2026-01-01T09:59:00.000Z/,
    );
    expect(disableReason({ consecutiveFailures: 2, failingSince: since(600_000) }, policy, now)).toBeNull();
    expect(disableReason({ consecutiveFailures: 30, failingSince: since(59_999) }, policy, now)).toBeNull();
    expect(disableReason({ consecutiveFailures: 0, failingSince: null }, policy, now)).toBeNull();
  });
});
