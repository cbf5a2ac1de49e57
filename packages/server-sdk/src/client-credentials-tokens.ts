import { TokenResponse } from '@parley/protocol';
import { MessagingUnavailableError } from './errors.js';
import { readJson } from './read-json.js';

export interface ClientCredentialsOptions {
  /** Messaging's base URL, without a trailing slash: `http://messaging:3000`. */
  messagingUrl: string;
  /** A client registered in messaging's `OAUTH_CLIENTS`. */
  clientId: string;
  clientSecret: string;
  /** Renew this long before the token expires (or at half its life, if that comes sooner). Default 60 s. */
  refreshBeforeMs?: number;
  /** How long one token request may take. Default 5 s. */
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

/**
 * A machine client's access token from messaging (OAuth 2 client-credentials grant on `/oauth/token`), kept
 * until shortly before it expires. Concurrent callers share one request, so a burst of work after start-up
 * or expiry asks messaging once.
 */
export class ClientCredentialsTokens {
  private cached: { token: string; renewAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly now: () => number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.now = options.now ?? Date.now;
    this.fetch = options.fetch ?? fetch;
  }

  /** A token valid for at least the renewal margin; asks messaging only when the cached one is due. */
  async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return this.cached.token;
    this.inFlight ??= this.requestToken().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Forgets the cached token (messaging refused it: keys rotated, client re-registered). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async requestToken(): Promise<string> {
    const { messagingUrl, clientId, clientSecret } = this.options;
    let res: Response;
    try {
      res = await this.fetch(`${messagingUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new MessagingUnavailableError(`token request failed: ${(err as Error).message}`, { cause: err });
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new MessagingUnavailableError(
        `messaging refused the client credentials of "${clientId}" (HTTP ${res.status}); is it in OAUTH_CLIENTS?`,
      );
    }
    const parsed = TokenResponse.safeParse(await readJson(res));
    if (!parsed.success)
      throw new MessagingUnavailableError('messaging answered the token request with an unexpected body');
    const issuedAt = this.now();
    const lifetimeMs = parsed.data.expires_at * 1000 - issuedAt;
    const margin = Math.min(this.options.refreshBeforeMs ?? 60_000, lifetimeMs / 2);
    this.cached = { token: parsed.data.access_token, renewAt: issuedAt + lifetimeMs - margin };
    return parsed.data.access_token;
  }
}
