import { createHash, randomBytes } from 'node:crypto';
import { Topics, type BusEvent, type Topic } from '@parley/event-bus';
import {
  OutgoingWebhookBody,
  WebhookEndpointDisabledData,
  type OutgoingWebhookTopic,
} from '@parley/protocol';
import { Webhook } from 'standardwebhooks';

/** The bus topics the `outgoing-webhooks` group consumes, and the webhook type each becomes. */
export const webhookTypeOfTopic = {
  [Topics.messageSent]: 'message.sent',
  [Topics.messageEdited]: 'message.edited',
  [Topics.messageRemoved]: 'message.removed',
  [Topics.conversationCreated]: 'conversation.created',
  [Topics.conversationUpdated]: 'conversation.updated',
  [Topics.participantsAdded]: 'participant.added',
  [Topics.participantsRemoved]: 'participant.removed',
  [Topics.voiceCallEnded]: 'voice.call.ended',
  [Topics.providerCallUpdated]: 'provider.call.updated',
} as const satisfies Partial<Record<Topic, OutgoingWebhookTopic>>;

export type OutgoingWebhookSourceTopic = keyof typeof webhookTypeOfTopic;
export const outgoingWebhookSourceTopics = Object.keys(webhookTypeOfTopic) as OutgoingWebhookSourceTopic[];

/** One webhook an event becomes: its type and the exact body sent on every attempt. */
export interface OutgoingWebhookEvent {
  type: OutgoingWebhookTopic;
  body: string;
}

/**
 * The webhooks a bus event becomes: one of its own type, and for a provider call that reached `ended` or
 * `missed` a `provider.call.ended` too. The body is serialised once here and stored, so retries and
 * redeliveries send the same bytes.
 */
export function webhooksOfEvent(event: BusEvent<OutgoingWebhookSourceTopic>): OutgoingWebhookEvent[] {
  const type = webhookTypeOfTopic[event.topic];
  const bodyOf = (t: OutgoingWebhookTopic): string =>
    JSON.stringify({
      type: t,
      timestamp: event.occurredAt,
      data: event.payload as unknown as Record<string, unknown>,
    } satisfies OutgoingWebhookBody);
  const webhooks: OutgoingWebhookEvent[] = [{ type, body: bodyOf(type) }];
  if (event.topic === Topics.providerCallUpdated) {
    const status = (event as BusEvent<typeof Topics.providerCallUpdated>).payload.voipLink.status;
    if (status === 'ended' || status === 'missed')
      webhooks.push({ type: 'provider.call.ended', body: bodyOf('provider.call.ended') });
  }
  return webhooks;
}

/**
 * The delivery of one webhook of one event to one endpoint: a UUID derived from the three, so a bus
 * redelivery of the event finds the row it already made, and `webhook-id` (`msg_<id>`) is stable forever.
 */
export function deliveryIdFor(eventId: string, type: OutgoingWebhookTopic, endpointId: string): string {
  const hex = createHash('sha256').update(`${eventId}\n${type}\n${endpointId}`).digest('hex');
  // Shaped as an RFC 4122 variant, version 8 (custom) UUID.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const webhookIdOf = (deliveryId: string): string => `msg_${deliveryId}`;

/** A new signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks libraries take it. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The secrets that sign now: the current one, and the previous one while its overlap lasts. */
export function activeSecrets(
  endpoint: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null },
  now: Date,
): string[] {
  const previousActive =
    endpoint.previousSecret !== null &&
    endpoint.previousSecretExpiresAt !== null &&
    endpoint.previousSecretExpiresAt.getTime() > now.getTime();
  return previousActive ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}

/** The three Standard Webhooks headers; `webhook-signature` holds one `v1,…` per secret, space-separated. */
export function signedHeaders(
  webhookId: string,
  body: string,
  secrets: string[],
  at: Date,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(webhookId, at, body)).join(' '),
  };
}

/** What follows a failed attempt. */
export type AfterFailure = { next: 'retry'; attempt: number; delayMs: number } | { next: 'dead' };

/**
 * Attempt `attempt` failed. `scheduleBase` is the number of attempts made before the current run (0, or
 * the attempts before a redelivery), so a redelivered delivery gets the whole schedule again.
 */
export function afterFailedAttempt(
  attempt: number,
  scheduleBase: number,
  retryScheduleMs: readonly number[],
): AfterFailure {
  const retriesUsed = attempt - scheduleBase - 1;
  const delayMs = retryScheduleMs[retriesUsed];
  return delayMs === undefined ? { next: 'dead' } : { next: 'retry', attempt: attempt + 1, delayMs };
}

export interface FailureStreak {
  /** Failed attempts in a row (any delivery), reset by any success. */
  consecutiveFailures: number;
  /** The first failure of the streak. */
  failingSince: Date | null;
}

export interface DisablePolicy {
  failures: number;
  failingForMs: number;
}

/**
 * Sustained failure disables an endpoint: at least `failures` failed attempts in a row and no success for
 * `failingForMs`. Both, so a burst of failures in a minute (a deploy) or one slow daily failure is not enough.
 */
export function disableReason(streak: FailureStreak, policy: DisablePolicy, now: Date): string | null {
  if (streak.failingSince === null || streak.consecutiveFailures < policy.failures) return null;
  const failingForMs = now.getTime() - streak.failingSince.getTime();
  if (failingForMs < policy.failingForMs) return null;
  return `${streak.consecutiveFailures} attempts in a row failed since ${streak.failingSince.toISOString()}`;
}

/**
 * The `webhook.endpoint.disabled` event of an endpoint disabled at `disabledAt`: its event id (shared by the
 * entry in the endpoint's own log and the deliveries to the client's other endpoints) and its body.
 */
export function endpointDisabledWebhook(
  endpoint: { id: string; url: string },
  reason: string,
  disabledAt: Date,
): { eventId: string; type: 'webhook.endpoint.disabled'; body: string } {
  const data: WebhookEndpointDisabledData = {
    endpointId: endpoint.id,
    url: endpoint.url,
    reason,
    disabledAt: disabledAt.toISOString(),
  };
  return {
    eventId: `webhook.endpoint.disabled:${endpoint.id}:${disabledAt.toISOString()}`,
    type: 'webhook.endpoint.disabled',
    body: JSON.stringify({
      type: 'webhook.endpoint.disabled',
      timestamp: disabledAt.toISOString(),
      data,
    } satisfies OutgoingWebhookBody),
  };
}

/** True for the `webhook.endpoint.disabled` entry in the log of the endpoint that was disabled. */
export function isDisabledNoticeOf(delivery: {
  endpointId: string;
  eventType: OutgoingWebhookTopic;
  body: string;
}): boolean {
  if (delivery.eventType !== 'webhook.endpoint.disabled') return false;
  const data = WebhookEndpointDisabledData.safeParse(
    OutgoingWebhookBody.parse(JSON.parse(delivery.body)).data,
  );
  return data.success && data.data.endpointId === delivery.endpointId;
}

/** The reason in a `webhook.endpoint.disabled` body. */
export function disabledNoticeReason(body: string): string {
  return WebhookEndpointDisabledData.parse(OutgoingWebhookBody.parse(JSON.parse(body)).data).reason;
}
