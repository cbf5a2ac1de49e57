import { z } from 'zod';
import { Timestamp } from '../common.js';
import { ProviderEventType } from './calls.js';

/**
 * The body of a webhook of Parley's built-in provider (`POST /v1/providers/parley/webhooks`), signed with the
 * Standard Webhooks scheme (headers `webhook-id`, `webhook-timestamp`, `webhook-signature`); the
 * `webhook-id` is the event id. Whoever runs the media for in-app calls sends these.
 */
export const ParleyProviderWebhook = z.strictObject({
  type: ProviderEventType,
  /** `parley-<callId>`, as the gateway named the room. */
  roomId: z.string().min(1).max(256),
  /** The participant's identity (their user id), for participant events. */
  identity: z.string().min(1).max(256).optional(),
  durationSeconds: z.number().int().nonnegative().optional(),
  occurredAt: Timestamp,
});
export type ParleyProviderWebhook = z.infer<typeof ParleyProviderWebhook>;
