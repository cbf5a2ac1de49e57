import { findInputIssue } from '@parley/protocol';
import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './domain-errors.js';

export type InputPlace = 'body' | 'query' | 'params' | 'frame' | 'message';

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

/** Parses untrusted input at the edge with its protocol schema; throws a ValidationError naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: InputPlace): z.output<S> {
  assertStorableInput(value, where);
  const result = schema.safeParse(value ?? (where === 'body' || where === 'message' ? undefined : {}));
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues, where);
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new ValidationError(summary, issues);
}

/** Refuses NUL, lone surrogates and over-deep or over-large JSON (the protocol's input rules) with a 400. */
export function assertStorableInput(value: unknown, where: string): void {
  const issue = findInputIssue(value, where);
  if (issue) throw new ValidationError(`${issue.path}: ${issue.message}`, [issue]);
}
