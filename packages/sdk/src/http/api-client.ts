import type { AuthSession, TokenResponse } from '@parley/protocol';
import { ParleyApiError } from './api-error.js';
import type { Session } from './session.js';

export type FetchLike = typeof fetch;

export interface ApiClientOptions {
  baseUrl: string;
  session: Session;
  fetch?: FetchLike;
  onSessionChange?: (session: Session) => void;
  /** The server refused the refresh token: only a new log-in helps. */
  onSessionExpired?: (error: ParleyApiError) => void;
  /** Every call tells whether the server answered at all (any status) or could not be reached. */
  onReachability?: (reachable: boolean) => void;
}

/**
 * REST calls with the session's access token. An expired token is refreshed once (single flight, refresh
 * tokens rotate) and the call retried, so apps never see a 401 for a token that could be renewed.
 */
export class ApiClient {
  private refreshing: Promise<void> | undefined;
  private readonly fetchImpl: FetchLike;

  constructor(private readonly options: ApiClientOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/$/, '');
  }

  get session(): Session {
    return this.options.session;
  }

  /** Adopts a newer session (e.g. another tab of the same user refreshed the shared tokens). */
  replaceSession(session: Session): void {
    this.options.session = session;
  }

  get accessToken(): string {
    return this.options.session.tokens.access_token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.send<T>(method, path, body);
    } catch (err) {
      if (err instanceof ParleyApiError && err.status === 401 && this.options.session.tokens.refresh_token) {
        await this.refreshSession();
        return this.send<T>(method, path, body);
      }
      throw err;
    }
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  /** Renews the access token with the refresh token; concurrent callers share one refresh. */
  refreshSession(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const refreshToken = this.options.session.tokens.refresh_token;
        const tokens = await this.call<TokenResponse>('POST', '/oauth/token', undefined, {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        }).catch((err: unknown) => {
          // A refused refresh token (used, expired, revoked) will never work again, unless another tab
          // renewed first and handed us its newer session while this request ran.
          const replaced = this.options.session.tokens.refresh_token !== refreshToken;
          if (!replaced && err instanceof ParleyApiError && (err.status === 400 || err.status === 401))
            this.options.onSessionExpired?.(err);
          if (replaced) return this.options.session.tokens;
          throw err;
        });
        this.options.session = { ...this.options.session, tokens };
        this.options.onSessionChange?.(this.options.session);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Asks the server for any answer (a health check): true when it answered, whatever the status. */
  async probe(path = '/health'): Promise<boolean> {
    try {
      await this.call('GET', path, undefined);
      return true;
    } catch (err) {
      return !(err instanceof ParleyApiError && err.status === 0);
    }
  }

  private send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.call<T>(method, path, this.accessToken, body);
  }

  private async call<T>(method: string, path: string, token: string | undefined, body?: unknown): Promise<T> {
    try {
      const result = await requestJson<T>(this.fetchImpl, `${this.baseUrl}${path}`, method, token, body);
      this.options.onReachability?.(true);
      return result;
    } catch (err) {
      this.options.onReachability?.(!(err instanceof ParleyApiError && err.status === 0));
      throw err;
    }
  }
}

export async function requestJson<T>(
  fetchImpl: FetchLike,
  url: string,
  method: string,
  token: string | undefined,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ParleyApiError(0, `network error: ${(err as Error).message}`, 'network_error');
  }
  const text = await res.text();
  const json = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const e = (json ?? {}) as { message?: string; code?: string; issues?: [] };
    throw new ParleyApiError(res.status, e.message ?? res.statusText, e.code, e.issues ?? []);
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** Sign-up and log-in, before a Messenger exists. */
export const Auth = {
  signUp(
    baseUrl: string,
    req: { username: string; password: string; displayName?: string; msisdn?: string },
    fetchImpl: FetchLike = fetch,
  ): Promise<AuthSession> {
    return requestJson<AuthSession>(
      fetchImpl,
      `${baseUrl.replace(/\/$/, '')}/v1/auth/signup`,
      'POST',
      undefined,
      req,
    );
  },
  login(
    baseUrl: string,
    username: string,
    password: string,
    fetchImpl: FetchLike = fetch,
  ): Promise<AuthSession> {
    return requestJson<AuthSession>(
      fetchImpl,
      `${baseUrl.replace(/\/$/, '')}/v1/auth/login`,
      'POST',
      undefined,
      { username, password },
    );
  },
};
