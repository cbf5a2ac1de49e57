import type { ApiClient } from '../http/api-client.js';
import type { ResponseSchema } from '../http/response-schema.js';

/** A call, video or push helper was used on a Messenger made without `gatewayUrl`. */
export class GatewayNotConfiguredError extends Error {
  constructor(what: string) {
    super(`${what} needs the webhook gateway: pass gatewayUrl to Messenger.connect`);
    this.name = 'GatewayNotConfiguredError';
  }
}

/** What the gateway client needs from the messaging API client: its calls with the session's tokens elsewhere. */
export type GatewayTransport = Pick<ApiClient, 'requestAt' | 'performAt'>;

/**
 * The webhook gateway's REST API (provider calls, video, push), called with the messaging session's tokens:
 * the gateway verifies the same access tokens, and an expired one is renewed through messaging once.
 */
export class GatewayClient {
  constructor(
    private readonly api: GatewayTransport,
    private readonly baseUrl: string | undefined,
  ) {}

  get configured(): boolean {
    return Boolean(this.baseUrl);
  }

  /** The answer checked against `schema`; rejects with GatewayNotConfiguredError when there is no gateway. */
  async request<T>(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    schema: ResponseSchema<T>,
    body?: unknown,
  ): Promise<T> {
    if (!this.baseUrl) throw new GatewayNotConfiguredError(what);
    return this.api.requestAt(this.baseUrl, method, path, schema, body);
  }

  async perform(what: string, method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<void> {
    if (!this.baseUrl) throw new GatewayNotConfiguredError(what);
    await this.api.performAt(this.baseUrl, method, path, body);
  }
}

/** A path segment from an id the app passed in: never a way to reach another route. */
export function pathSegment(id: string): string {
  return encodeURIComponent(id);
}
