import { z } from 'zod';
import { ProviderName } from './calls.js';

/** `POST /v1/providers/:provider/webhooks` answers this once the webhook's events are stored. */
export const ProviderWebhookReceipt = z.object({
  /** Events in the webhook that were new and are now queued. */
  received: z.number().int().nonnegative(),
  /** Events the gateway already had (a provider's retry or a replay): stored once, queued once. */
  duplicates: z.number().int().nonnegative(),
});
export type ProviderWebhookReceipt = z.infer<typeof ProviderWebhookReceipt>;

export const ProviderWebhookParams = z.strictObject({ provider: ProviderName });
export type ProviderWebhookParams = z.infer<typeof ProviderWebhookParams>;

/** `/v1/calls/:id…` on the gateway. */
export const ProviderCallParams = z.strictObject({ id: z.uuid() });
export type ProviderCallParams = z.infer<typeof ProviderCallParams>;

/** `/v1/admin/dead-letters/:jobId/replay`. */
export const DeadLetterParams = z.strictObject({ jobId: z.string().min(1).max(200) });
export type DeadLetterParams = z.infer<typeof DeadLetterParams>;
