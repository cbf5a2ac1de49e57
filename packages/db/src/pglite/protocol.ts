/** What the service's thread asks of the PGlite thread: each request gets one reply with the same id. */
export type PgliteRequest =
  | { id: number; op: 'open'; dataDir: string | undefined }
  | { id: number; op: 'query'; sql: string; params: unknown[] | undefined }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'begin'; tx: number }
  | { id: number; op: 'txQuery'; tx: number; sql: string; params: unknown[] | undefined }
  | { id: number; op: 'txExec'; tx: number; sql: string }
  /** Commits after running `queued` in order, or rolls back. */
  | {
      id: number;
      op: 'end';
      tx: number;
      commit: boolean;
      queued: Array<{ sql: string; params: unknown[] | undefined }>;
    }
  | { id: number; op: 'close' };

/** An error as it crosses threads: its message and name, and the fields drivers add (code, constraint…). */
export interface ErrorData {
  name: string;
  message: string;
  stack: string | undefined;
  fields: Record<string, string | number | boolean>;
}

export type PgliteReply =
  { id: number; ok: true; rows?: unknown[]; rowCount?: number } | { id: number; ok: false; error: ErrorData };

export function errorData(err: unknown): ErrorData {
  const error = err instanceof Error ? err : new Error(String(err));
  const fields: ErrorData['fields'] = {};
  for (const [key, value] of Object.entries(error))
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      fields[key] = value;
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

/** JavaScript's own error classes keep their class across threads (a parser's RangeError stays one). */
const BUILT_IN: Record<string, new (message: string) => Error> = { RangeError, TypeError, SyntaxError };

/** The error again on this side, with the same fields, so callers read `code` as from the driver. */
export function errorFrom(data: ErrorData): Error {
  const ErrorClass = BUILT_IN[data.name] ?? Error;
  const error = Object.assign(new ErrorClass(data.message), data.fields);
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}
