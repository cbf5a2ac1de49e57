import type { Messenger } from '@parley/sdk';
import {
  DeskConversation,
  DeskQueue,
  type DeskConversation as DeskItem,
  type DeskQueue as Queue,
} from '@parley/protocol';

/** A refused or failed request to messaging's desk routes, with its status (0: not reachable). */
export class DeskApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DeskApiError';
  }
}

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * Messaging's support desk routes (`/v1/desk…`) with the user's token. A 401 is retried once after the SDK
 * had the chance to renew the token (any authenticated SDK call renews an expired one).
 */
export class DeskApi {
  constructor(
    private readonly baseUrl: string,
    private readonly messenger: Messenger,
  ) {}

  /** The queue, or null when this user is not an operator (403). */
  async queue(): Promise<Queue | null> {
    try {
      return await this.request('GET', '/v1/desk/queue', DeskQueue);
    } catch (err) {
      if (err instanceof DeskApiError && err.status === 403) return null;
      throw err;
    }
  }

  accept(conversationId: string): Promise<DeskItem> {
    return this.request('POST', `/v1/desk/conversations/${conversationId}/accept`, DeskConversation);
  }

  /** Ends this operator's chat with the visitor (they leave it; the visitor's next message queues it again). */
  close(conversationId: string): Promise<DeskItem> {
    return this.request('POST', `/v1/desk/conversations/${conversationId}/close`, DeskConversation);
  }

  private async request<T>(method: string, path: string, schema: Schema<T>): Promise<T> {
    let res = await this.send(method, path);
    if (res.status === 401) {
      await this.messenger.getUser().catch(() => undefined);
      res = await this.send(method, path);
    }
    const text = await res.text();
    if (!res.ok) throw new DeskApiError(res.status, messageOf(text) ?? `${res.status} ${res.statusText}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new DeskApiError(res.status, 'The desk answered with something that is not JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new DeskApiError(res.status, `Unexpected answer from ${path}`);
    return parsed.data;
  }

  private async send(method: string, path: string): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.messenger.session.tokens.access_token}`,
          accept: 'application/json',
        },
      });
    } catch {
      throw new DeskApiError(0, "Can't reach the messaging service");
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
