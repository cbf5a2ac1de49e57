import { SendVoiceSignalRequest, SendVoiceSignalResponse, User } from '@parley/protocol';
import type { MachineTokenProvider } from './machine-token-provider.js';
import { MessagingUnavailableError, SignalRefusedError } from './messaging-errors.js';

/** What the call coordinator needs of messaging: sending one signal as the proxy. */
export interface SignalSender {
  sendSignal(request: SendVoiceSignalRequest): Promise<SendVoiceSignalResponse>;
}

/** Sending signals as the proxy (and reading users' names as themselves); every answer parsed with its schema. */
export class MessagingClient implements SignalSender {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: MachineTokenProvider,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** POST /v1/voice/signals as the proxy; a refused token is renewed once. */
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

  /** GET /v1/users/:id with the caller's own Authorization header (the proxy reads names as the user). */
  async userAs(authorization: string, userId: string): Promise<User> {
    const res = await this.call(`/v1/users/${encodeURIComponent(userId)}`, { headers: { authorization } });
    if (!res.ok) {
      await res.body?.cancel();
      throw new MessagingUnavailableError(`messaging answered the user lookup with HTTP ${res.status}`);
    }
    const parsed = User.safeParse(await res.json());
    if (!parsed.success)
      throw new MessagingUnavailableError('messaging answered the user lookup with an unexpected body');
    return parsed.data;
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new MessagingUnavailableError(`${path}: ${(err as Error).message}`, { cause: err });
    }
  }
}
