import { Conversation, SendVoiceSignalRequest, SendVoiceSignalResponse, User } from '@parley/protocol';
import type { MachineTokenProvider } from './machine-token-provider.js';
import { MessagingUnavailableError, SignalRefusedError } from './messaging-errors.js';

/**
 * The gateway's calls to messaging: reading conversations and users as the caller (forwarding their own
 * Authorization header, so messaging decides what they may see) and sending voice signals as the gateway's
 * machine client. Every answer is parsed with its protocol schema.
 */
export class MessagingClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: MachineTokenProvider,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

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
    if (!res.ok) {
      await res.body?.cancel();
      throw new MessagingUnavailableError(
        `messaging answered the conversation lookup with HTTP ${res.status}`,
      );
    }
    const parsed = Conversation.safeParse(await res.json());
    if (!parsed.success)
      throw new MessagingUnavailableError(
        'messaging answered the conversation lookup with an unexpected body',
      );
    return parsed.data;
  }

  /** GET /v1/users/:id with the caller's own Authorization header. */
  async userAs(authorization: string, userId: string): Promise<User | null> {
    const res = await this.call(`/v1/users/${encodeURIComponent(userId)}`, { headers: { authorization } });
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new MessagingUnavailableError(`messaging answered the user lookup with HTTP ${res.status}`);
    }
    const parsed = User.safeParse(await res.json());
    if (!parsed.success)
      throw new MessagingUnavailableError('messaging answered the user lookup with an unexpected body');
    return parsed.data;
  }

  /** POST /v1/voice/signals as the gateway (scope `voice.proxy`: it may address anyone); a refused token is renewed once. */
  async sendSignal(request: SendVoiceSignalRequest): Promise<SendVoiceSignalResponse> {
    const body = JSON.stringify(SendVoiceSignalRequest.parse(request));
    for (let attempt = 1; ; attempt++) {
      const res = await this.call('/v1/voice/signals', {
        method: 'POST',
        headers: { authorization: `Bearer ${await this.tokens.token()}`, 'content-type': 'application/json' },
        body,
      });
      if (res.status === 401 && attempt === 1) {
        await res.body?.cancel();
        this.tokens.invalidate();
        continue;
      }
      if (res.status === 201 || res.status === 200) {
        const parsed = SendVoiceSignalResponse.safeParse(await res.json());
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

  private async call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new MessagingUnavailableError(`${path}: ${(err as Error).message}`, { cause: err });
    }
  }
}
