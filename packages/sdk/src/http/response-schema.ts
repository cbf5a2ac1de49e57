import { AuthSession, ChannelListing, ErrorBody, User } from '@parley/protocol';
import { ParleyApiError } from './api-error.js';

/** One reason a value did not match a schema, as zod reports it. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * What the SDK needs from a schema to check a body: zod's `safeParse`. Every schema exported by
 * `@parley/protocol` fits, and the checked value's type is inferred from it.
 */
export interface ResponseSchema<T> {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly SchemaIssue[] } };
}

/** Issues as `ErrorBody` spells them: a dotted path and a message. */
export function describeIssues(issues: readonly SchemaIssue[]): { path: string; message: string }[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * Something the server sent did not match the protocol: a 502 with `code` (`bad_response` or `bad_frame`),
 * the first mismatch in the message and all of them in `issues`.
 */
export function mismatchError(
  what: string,
  code: 'bad_response' | 'bad_frame',
  issues: { path: string; message: string }[],
): ParleyApiError {
  const first = issues[0];
  const detail = first ? `: ${first.path ? `${first.path}: ` : ''}${first.message}` : '';
  return new ParleyApiError(502, `${what}${detail}`, code, issues);
}

// The protocol defines the items of the user and channel lists but not their `{ users }` / `{ channels }`
// envelopes. They are built here from an empty object schema (zod itself is the protocol's dependency).
const EmptyObject = AuthSession.pick({});

export const UserList = EmptyObject.extend({ users: User.array() });
export const ChannelList = EmptyObject.extend({ channels: ChannelListing.array() });

/**
 * A Parley error body. The server adds a machine-readable `code` next to the fields `ErrorBody` lists, so
 * unknown keys are kept and `code` is read from them.
 */
export const ServerErrorBody = ErrorBody.loose();
