import { z } from 'zod';
import { Timestamp } from '../common.js';

/**
 * Outgoing webhooks: machine clients register HTTP endpoints at the webhook gateway and receive Parley's
 * events there, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 */

/** The event types an endpoint can subscribe to; also the `type` of the delivered body. */
export const OutgoingWebhookTopic = z.enum([
  'message.sent',
  'message.edited',
  'message.removed',
  'conversation.created',
  'conversation.updated',
  'participant.added',
  'participant.removed',
  'voice.call.ended',
  'provider.call.updated',
  /** A `provider.call.updated` whose status is `ended` or `missed`. */
  'provider.call.ended',
  /** Another endpoint of the same client was disabled after sustained failure (`WebhookEndpointDisabledData`). */
  'webhook.endpoint.disabled',
]);
export type OutgoingWebhookTopic = z.infer<typeof OutgoingWebhookTopic>;

const EndpointUrl = z.url({ protocol: /^https?$/ }).max(2048);
const EndpointTopics = z
  .array(OutgoingWebhookTopic)
  .min(1)
  .max(OutgoingWebhookTopic.options.length)
  .transform((topics) => [...new Set(topics)]);

/** `POST /v1/webhooks/endpoints`. */
export const CreateWebhookEndpointRequest = z.strictObject({
  url: EndpointUrl,
  topics: EndpointTopics,
  description: z.string().max(500).optional(),
  /** Deliveries to this endpoint in flight at the same time. */
  maxConcurrency: z.number().int().min(1).max(64).default(4),
});
export type CreateWebhookEndpointRequest = z.infer<typeof CreateWebhookEndpointRequest>;

/** `PATCH /v1/webhooks/endpoints/:id`; `disabled: false` re-enables an endpoint that was disabled. */
export const UpdateWebhookEndpointRequest = z
  .strictObject({
    url: EndpointUrl.optional(),
    topics: EndpointTopics.optional(),
    description: z.string().max(500).nullable().optional(),
    maxConcurrency: z.number().int().min(1).max(64).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to change' });
export type UpdateWebhookEndpointRequest = z.infer<typeof UpdateWebhookEndpointRequest>;

export const WebhookEndpoint = z.object({
  id: z.uuid(),
  url: z.string(),
  topics: z.array(OutgoingWebhookTopic),
  description: z.string().nullable(),
  maxConcurrency: z.number().int(),
  disabled: z.boolean(),
  /** Why the endpoint is disabled: `disabled by its client`, or the sustained failure that disabled it. */
  disabledReason: z.string().nullable(),
  disabledAt: Timestamp.nullable(),
  createdAt: Timestamp,
  /** Until then the previous secret still signs every delivery too (after a rotation). */
  previousSecretExpiresAt: Timestamp.nullable(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** The signing secret (`whsec_` + base64 key) is shown here and never again. */
export const CreatedWebhookEndpoint = z.object({
  endpoint: WebhookEndpoint,
  secret: z.string().startsWith('whsec_'),
});
export type CreatedWebhookEndpoint = z.infer<typeof CreatedWebhookEndpoint>;

export const WebhookEndpointList = z.object({ endpoints: z.array(WebhookEndpoint) });
export type WebhookEndpointList = z.infer<typeof WebhookEndpointList>;

/** `POST /v1/webhooks/endpoints/:id/rotate-secret`. */
export const RotatedWebhookSecret = z.object({
  secret: z.string().startsWith('whsec_'),
  previousSecretExpiresAt: Timestamp,
});
export type RotatedWebhookSecret = z.infer<typeof RotatedWebhookSecret>;

export const WebhookDeliveryStatus = z.enum(['pending', 'succeeded', 'failed', 'dead']);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

export const WebhookDeliveryAttempt = z.object({
  attempt: z.number().int().min(1),
  at: Timestamp,
  /** Null when no HTTP answer came (connection refused, timeout). */
  responseStatus: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
});
export type WebhookDeliveryAttempt = z.infer<typeof WebhookDeliveryAttempt>;

export const WebhookDelivery = z.object({
  id: z.uuid(),
  endpointId: z.uuid(),
  eventType: OutgoingWebhookTopic,
  /** The `webhook-id` header: the same on every attempt and redelivery. */
  webhookId: z.string(),
  status: WebhookDeliveryStatus,
  createdAt: Timestamp,
  attempts: z.array(WebhookDeliveryAttempt),
  /**
   * Only on the `webhook.endpoint.disabled` entry in the log of the endpoint that was disabled (status
   * `failed`, never sent to it): why it was disabled.
   */
  reason: z.string().optional(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryList = z.object({
  deliveries: z.array(WebhookDelivery),
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: z.string().nullable(),
});
export type WebhookDeliveryList = z.infer<typeof WebhookDeliveryList>;

export const WebhookDeliveryListQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type WebhookDeliveryListQuery = z.infer<typeof WebhookDeliveryListQuery>;

export const WebhookEndpointParams = z.strictObject({ id: z.uuid() });
export type WebhookEndpointParams = z.infer<typeof WebhookEndpointParams>;

export const WebhookDeliveryParams = z.strictObject({ id: z.uuid(), deliveryId: z.uuid() });
export type WebhookDeliveryParams = z.infer<typeof WebhookDeliveryParams>;

/** The body POSTed to an endpoint (Standard Webhooks' `{type, timestamp, data}`). */
export const OutgoingWebhookBody = z.object({
  type: OutgoingWebhookTopic,
  /** When the event happened. */
  timestamp: Timestamp,
  /** The event as the bus carries it (the conversation event, the call record, ...). */
  data: z.record(z.string(), z.unknown()),
});
export type OutgoingWebhookBody = z.infer<typeof OutgoingWebhookBody>;

/** The `data` of a `webhook.endpoint.disabled` webhook. */
export const WebhookEndpointDisabledData = z.object({
  endpointId: z.uuid(),
  url: z.string(),
  reason: z.string(),
  disabledAt: Timestamp,
});
export type WebhookEndpointDisabledData = z.infer<typeof WebhookEndpointDisabledData>;
