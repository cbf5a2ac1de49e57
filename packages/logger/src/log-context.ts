import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields that belong on every log line written while serving one request, call or job. */
export interface LogContext {
  requestId?: string;
  [key: string]: string | number | undefined;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `context` attached: every log line written inside, however deep, carries it. */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, fn);
}

/** The context of the request (or job) being served, if any. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** The id of the request being served: what goes back in `x-request-id` and into bus event metadata. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
