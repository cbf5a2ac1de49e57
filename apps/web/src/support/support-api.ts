import type { Messenger } from '@parley/sdk';
import {
  OperatorAvailability,
  SupportLine,
  VoiceCallPage,
  type OperatorAvailability as Availability,
  type SupportLine as Line,
  type VoiceCallPage as CallPage,
} from '@parley/protocol';

/** A refused or failed request to the voice proxy, with its status (0: not reachable). */
export class SupportApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SupportApiError';
  }
}

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * The voice proxy's REST API (`/v1/support…`) with the user's messaging token. A 401 is retried once after
 * the SDK has had the chance to renew the token (any authenticated SDK call renews an expired one).
 */
export class SupportApi {
  constructor(
    private readonly baseUrl: string,
    private readonly messenger: Messenger,
  ) {}

  line(): Promise<Line> {
    return this.request('GET', '/v1/support', SupportLine);
  }

  setAvailability(available: boolean): Promise<Availability> {
    return this.request('PUT', '/v1/support/availability', OperatorAvailability, { available });
  }

  calls(options: { limit?: number; cursor?: string } = {}): Promise<CallPage> {
    const query = new URLSearchParams({ limit: String(options.limit ?? 20) });
    if (options.cursor) query.set('cursor', options.cursor);
    return this.request('GET', `/v1/support/calls?${query.toString()}`, VoiceCallPage);
  }

  private async request<T>(method: string, path: string, schema: Schema<T>, body?: unknown): Promise<T> {
    let res = await this.send(method, path, body);
    if (res.status === 401) {
      await this.messenger.getUser().catch(() => undefined);
      res = await this.send(method, path, body);
    }
    const text = await res.text();
    if (!res.ok) throw new SupportApiError(res.status, messageOf(text) ?? `${res.status} ${res.statusText}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SupportApiError(res.status, 'The support service answered with something that is not JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SupportApiError(res.status, `Unexpected answer from ${path}`);
    return parsed.data;
  }

  private async send(method: string, path: string, body: unknown): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.messenger.session.tokens.access_token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new SupportApiError(0, "Can't reach the support service");
    }
  }
}

function messageOf(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string')
      return body.message;
  } catch {
    // Not an error body: the status says it.
  }
  return undefined;
}
