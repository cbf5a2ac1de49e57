import { z } from 'zod';

/**
 * `GET /health/ready` of every Parley service: 200 with `status: 'ok'` when every critical check is up,
 * 503 otherwise (`degraded`, or `closing` during shutdown). `checks` names each dependency (database,
 * redis, …); `details` carries what is worth showing (pending outbox rows, connected devices).
 */
export const HealthReport = z.object({
  status: z.enum(['ok', 'degraded', 'closing']),
  service: z.string(),
  checks: z.record(
    z.string(),
    z.object({ status: z.enum(['up', 'down']), ms: z.number(), error: z.string().optional() }),
  ),
  details: z.record(z.string(), z.unknown()),
});
export type HealthReport = z.infer<typeof HealthReport>;
export type ProbeStatus = HealthReport['checks'][string]['status'];
