import type { z } from 'zod';

/**
 * A payload that does not match its schema. Retrying cannot fix it, so a publisher (or an outbox relay) can
 * tell it apart from Redis being away: the former is a bug to look at, the latter a reason to try again.
 */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError';

  constructor(
    /** The topic or delayed job name the payload was meant for. */
    readonly subject: string,
    /** The event id or delayed job id. */
    readonly id: string,
    /** `path: message` per problem, at most a handful. */
    readonly issues: string[],
  ) {
    super(`event bus: payload of "${subject}" ${id} does not match its schema: ${issues.join('; ')}`);
  }
}

const shownIssues = 5;

export function describeIssues(error: z.ZodError): string[] {
  const issues = error.issues.slice(0, shownIssues).map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${path === '' ? '(payload)' : path}: ${issue.message}`;
  });
  const more = error.issues.length - shownIssues;
  if (more > 0) issues.push(`and ${more} more`);
  return issues;
}

/** Parses with `schema`, throwing InvalidPayloadError (naming subject and id) instead of a bare ZodError. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown, subject: string, id: string): T {
  const result = schema.safeParse(payload);
  if (!result.success) throw new InvalidPayloadError(subject, id, describeIssues(result.error));
  return result.data;
}
