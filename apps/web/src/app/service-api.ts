import type { Messenger } from '@parley/sdk';

/** A refused or failed request to one of Parley's services, with its status (0: not reachable). */
export class ServiceApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceApiError';
  }
}

export interface AnswerSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * JSON requests to a Parley service other than through the SDK (the voice proxy, messaging's desk routes),
 * with the user's messaging token. A 401 is retried once after the SDK had the chance to renew the token
 * (any authenticated SDK call renews an expired one). Answers are parsed with the protocol's schemas.
 */
export class ServiceApi {
  constructor(
    private readonly baseUrl: string,
    private readonly messenger: Messenger,
    /** How errors name the service: "Can't reach the support service". */
    private readonly serviceName: string,
  ) {}

  async request<T>(method: string, path: string, schema: AnswerSchema<T>, body?: unknown): Promise<T> {
    let res = await this.send(method, path, body);
    if (res.status === 401) {
      await this.messenger.getUser().catch(() => undefined);
      res = await this.send(method, path, body);
    }
    const text = await res.text();
    if (!res.ok) throw new ServiceApiError(res.status, messageOf(text) ?? `${res.status} ${res.statusText}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ServiceApiError(
        res.status,
        `The ${this.serviceName} answered with something that is not JSON`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ServiceApiError(res.status, `Unexpected answer from ${path}`);
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
      throw new ServiceApiError(0, `Can't reach the ${this.serviceName}`);
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
