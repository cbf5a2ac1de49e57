import type { ProviderAccessToken } from '@parley/protocol';

/** When to ask for a new token: at 80 % of its lifetime, or 60 s before it expires if that comes first. */
export const TOKEN_RENEW_FRACTION = 0.8;
export const TOKEN_RENEW_MARGIN_MS = 60_000;

/**
 * When a token received at `receivedAtMs` should be replaced. The earlier of 80 % of its lifetime and 60 s
 * before `expires_at`, but never before half its lifetime, so a short-lived token is not fetched again on
 * every use. A token already expired on arrival (a skewed clock) is due at once.
 */
export function renewalDueAt(token: ProviderAccessToken, receivedAtMs: number): number {
  const lifetime = token.expires_at * 1000 - receivedAtMs;
  if (lifetime <= 0) return receivedAtMs;
  const early = Math.min(lifetime * TOKEN_RENEW_FRACTION, lifetime - TOKEN_RENEW_MARGIN_MS);
  return receivedAtMs + Math.max(early, lifetime / 2);
}

/**
 * One access token per key (the provider asked for), cached until its renewal is due. Callers asking while a
 * request is under way share it; a failed request is not cached, so the next caller asks again.
 */
export class AccessTokenCache {
  private readonly entries = new Map<string, { token: ProviderAccessToken; dueAt: number }>();
  private readonly pending = new Map<string, Promise<ProviderAccessToken>>();

  constructor(
    private readonly fetchToken: (key: string) => Promise<ProviderAccessToken>,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): Promise<ProviderAccessToken> {
    const cached = this.entries.get(key);
    if (cached && this.now() < cached.dueAt) return Promise.resolve(cached.token);
    let request = this.pending.get(key);
    if (!request) {
      request = this.fetchToken(key).then(
        (token) => {
          this.pending.delete(key);
          this.entries.set(key, { token, dueAt: renewalDueAt(token, this.now()) });
          return token;
        },
        (err: unknown) => {
          this.pending.delete(key);
          throw err;
        },
      );
      this.pending.set(key, request);
    }
    return request;
  }

  /** The time the cached token for `key` will be renewed at (epoch ms), or undefined when none is cached. */
  renewsAt(key: string): number | undefined {
    return this.entries.get(key)?.dueAt;
  }

  clear(): void {
    this.entries.clear();
  }
}
