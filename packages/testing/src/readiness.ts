import { HealthReport } from '@parley/protocol';

/** What a service's `/health/ready` says, parsed: its HTTP status and its report. */
export interface Readiness {
  httpStatus: number;
  report: HealthReport;
}

/** Reads `<baseUrl>/health/ready` (200 or 503 alike) and parses it with the protocol's schema. */
export async function readReadiness(baseUrl: string, timeoutMs = 10_000): Promise<Readiness> {
  const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
  return { httpStatus: res.status, report: HealthReport.parse(await res.json()) };
}

/** How one dependency's check stands (`up` / `down`), or undefined when the service has no such check. */
export async function dependencyStatus(baseUrl: string, check: string): Promise<'up' | 'down' | undefined> {
  return (await readReadiness(baseUrl)).report.checks[check]?.status;
}
