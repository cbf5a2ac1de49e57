import { Conversation, SendVoiceSignalRequest, SendVoiceSignalResponse, User } from '@parley/protocol';
import type { ClientCredentialsTokens } from './client-credentials-tokens.js';
import { MessagingUnavailableError, SignalRefusedError } from './errors.js';
import { readJson } from './read-json.js';

/** What code that only sends signals needs of messaging (a stand-in in tests implements just this). */
export interface SignalSender {
  sendSignal(request: SendVoiceSignalRequest): Promise<SendVoiceSignalResponse>;
}

export interface MessagingServerClientOptions {
  /** Messaging's base URL, without a trailing slash. */
  messagingUrl: string;
  /** The machine client's tokens, used for what the backend does as itself (sending signals). */
  tokens: ClientCredentialsTokens;
  /** How long one request may take. Default 5 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A backend's calls to messaging: sending voice signals as its machine client, and reading conversations and
 * users as one of its callers (forwarding the caller's own Authorization header, so messaging decides what
 * they may see). Every answer is parsed with its `@parley/protocol` schema.
 */
export class MessagingServerClient implements SignalSender {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: MessagingServerClientOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /**
   * POST /v1/voice/signals as the machine client (scope `voice.proxy` may address anyone). A refused token is
   * renewed once. Throws SignalRefusedError when messaging refuses the signal for good, MessagingUnavailableError
   * when trying again later may help.
   */
  async sendSignal(request: SendVoiceSignalRequest): Promise<SendVoiceSignalResponse> {
    const body = JSON.stringify(SendVoiceSignalRequest.parse(request));
    for (let attempt = 1; ; attempt++) {
      const res = await this.call('/v1/voice/signals', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await this.options.tokens.token()}`,
          'content-type': 'application/json',
        },
        body,
      });
      if (res.status === 401 && attempt === 1) {
        await res.body?.cancel();
        this.options.tokens.invalidate();
        continue;
      }
      if (res.status === 201 || res.status === 200) {
        const parsed = SendVoiceSignalResponse.safeParse(await readJson(res));
        if (!parsed.success)
          throw new MessagingUnavailableError('messaging answered a signal with an unexpected body');
        return parsed.data;
      }
      const text = await res.text().catch(() => '');
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
        throw new SignalRefusedError(
          res.status,
          `messaging refused a ${request.kind} signal: ${res.status} ${text.slice(0, 300)}`,
        );
      throw new MessagingUnavailableError(`messaging answered a signal with HTTP ${res.status}`);
    }
  }

  /**
   * GET /v1/conversations/:id as the caller: the conversation, or null when messaging says it does not exist
   * or the caller may not see it (messaging answers both alike, so existence never leaks).
   */
  async conversationAs(authorization: string, conversationId: string): Promise<Conversation | null> {
    const res = await this.call(`/v1/conversations/${encodeURIComponent(conversationId)}`, {
      headers: { authorization },
    });
    if (res.status === 404 || res.status === 403) {
      await res.body?.cancel();
      return null;
    }
    return this.parseAnswer(res, Conversation, 'the conversation lookup');
  }

  /** GET /v1/users/:id as the caller: the user, or null when messaging knows no such user. */
  async userAs(authorization: string, userId: string): Promise<User | null> {
    const res = await this.call(`/v1/users/${encodeURIComponent(userId)}`, { headers: { authorization } });
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    return this.parseAnswer(res, User, 'the user lookup');
  }

  private async parseAnswer<T>(
    res: Response,
    schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
    what: string,
  ): Promise<T> {
    if (!res.ok) {
      await res.body?.cancel();
      throw new MessagingUnavailableError(`messaging answered ${what} with HTTP ${res.status}`);
    }
    const parsed = schema.safeParse(await readJson(res));
    if (!parsed.success)
      throw new MessagingUnavailableError(`messaging answered ${what} with an unexpected body`);
    return parsed.data;
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetch(`${this.options.messagingUrl}${path}`, {
        ...init,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new MessagingUnavailableError(`${path}: ${(err as Error).message}`, { cause: err });
    }
  }
}
