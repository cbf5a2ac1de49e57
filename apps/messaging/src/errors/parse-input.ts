import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './domain-errors.js';

/** Turns zod issues into field-named issues: unknown keys are named by key, nested paths dotted. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], where: string): FieldIssue[] {
  return issues.map((issue) => {
    const base = [where, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (base ? `${base}.${k}` : k));
      return { path: keys.join(', '), message: `unknown field${keys.length > 1 ? 's' : ''}` };
    }
    return { path: base || where, message: issue.message };
  });
}

/** Parses untrusted input at the edge; throws a ValidationError naming every bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params' | 'frame',
): z.infer<S> {
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues, where);
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new ValidationError(summary, issues);
}
