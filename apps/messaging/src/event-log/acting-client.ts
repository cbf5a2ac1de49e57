import { AsyncLocalStorage } from 'node:async_hooks';

const actingClient = new AsyncLocalStorage<string>();

/**
 * Runs `work` as a machine client acting through the server API: every event appended inside it records the
 * client (`actingClientId`), whichever module appends it, so the domain services need no extra parameter.
 */
export function runAsActingClient<T>(clientId: string, work: () => Promise<T>): Promise<T> {
  return actingClient.run(clientId, work);
}

/** The machine client whose server API request is being served, if any. */
export function currentActingClient(): string | undefined {
  return actingClient.getStore();
}
