import { z } from 'zod';

/** Server-assigned identifiers are UUIDs. */
export const Uuid = z.uuid();

/** Sequence numbers of a conversation's event log start at 1. */
export const Seq = z.number().int().nonnegative();

/** ISO-8601 instant as sent on the wire. */
export const Timestamp = z.iso.datetime({ offset: true });

/** Custom data attached to conversations: a flat-ish JSON object kept small by the body limit. */
export const CustomData = z.record(z.string().max(128), z.json());
export type CustomData = z.infer<typeof CustomData>;

/** Error body returned by every Parley HTTP API. */
export const ErrorBody = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  /** A stable, machine-readable reason (`invalid_request`, `rate_limited`, `insufficient_scope`, …). */
  code: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
