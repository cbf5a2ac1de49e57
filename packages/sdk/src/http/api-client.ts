import { AuthSession, TokenResponse, type TokenRequest } from '@parley/protocol';
import { ParleyApiError } from './api-error.js';
import { ServerErrorBody, describeIssues, mismatchError, type ResponseSchema } from './response-schema.js';
import type { Session } from './session.js';

export type FetchLike = typeof fetch;

/** What a call is authorised with: a user's session, or a machine client's tokens alone. */
export interface Credentials {
  tokens: TokenResponse;
}

export interface ApiClientOptions<S extends Credentials = Session> {
  baseUrl: string;
  session: S;
  fetch?: FetchLike;
  onSessionChange?: (session: S) => void;
  /**
   * How fresh tokens are obtained. By default the session's refresh token is exchanged (refresh_token
   * grant); a machine client, which has no refresh token, asks for a new client-credentials token.
   */
  renewTokens?: () => Promise<TokenResponse>;
  /** The server refused the refresh token: only a new log-in helps. */
  onSessionExpired?: (error: ParleyApiError) => void;
  /** Every call tells whether the server answered at all (any status) or could not be reached. */
  onReachability?: (reachable: boolean) => void;
}

/**
 * REST calls with the session's access token. Every answer the SDK reads is checked against the protocol's
 * schema: a body that does not match is a `ParleyApiError` 502 `bad_response`, never a wrongly typed object.
 * An expired token is refreshed once (single flight, refresh tokens rotate) and the call retried, so apps
 * never see a 401 for a token that could be renewed.
 */
export class ApiClient<S extends Credentials = Session> {
  private refreshing: Promise<void> | undefined;
  private readonly fetchImpl: FetchLike;

  constructor(private readonly options: ApiClientOptions<S>) {
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/$/, '');
  }

  get session(): S {
    return this.options.session;
  }

  /** Adopts a newer session (e.g. another tab of the same user refreshed the shared tokens). */
  replaceSession(session: S): void {
    this.options.session = session;
  }

  get accessToken(): string {
    return this.options.session.tokens.access_token;
  }

  get<T>(path: string, schema: ResponseSchema<T>): Promise<T> {
    return this.request('GET', path, schema);
  }

  post<T>(path: string, body: unknown, schema: ResponseSchema<T>): Promise<T> {
    return this.request('POST', path, schema, body);
  }

  /** A call whose answer is checked against `schema` and returned. */
  async request<T>(method: string, path: string, schema: ResponseSchema<T>, body?: unknown): Promise<T> {
    return checkBody(await this.authorized(method, path, body), schema, `${method} ${path}`);
  }

  /** A call whose answer the SDK has no use for (a 204, or state that arrives as an event anyway). */
  async perform(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<void> {
    await this.authorized(method, path, body ?? (method === 'DELETE' ? undefined : {}));
  }

  /**
   * A call to another Parley service that accepts this session's tokens (the webhook gateway), at `baseUrl`.
   * Checked against `schema` like every answer; an expired token is renewed once, as for messaging. Whether
   * that service answers says nothing about messaging's reachability, so it is not reported.
   */
  async requestAt<T>(
    baseUrl: string,
    method: string,
    path: string,
    schema: ResponseSchema<T>,
    body?: unknown,
  ): Promise<T> {
    const url = `${baseUrl.replace(/\/$/, '')}${path}`;
    return checkBody(await this.authorized(method, url, body, false), schema, `${method} ${path}`);
  }

  /** `requestAt` for an answer the SDK has no use for (a 204). */
  async performAt(baseUrl: string, method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<void> {
    const url = `${baseUrl.replace(/\/$/, '')}${path}`;
    await this.authorized(method, url, body ?? (method === 'DELETE' ? undefined : {}), false);
  }

  /** Renews the access token with the refresh token; concurrent callers share one refresh. */
  refreshSession(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const refreshToken = this.options.session.tokens.refresh_token;
        const renew =
          this.options.renewTokens ??
          (() => this.requestTokens({ grant_type: 'refresh_token', refresh_token: refreshToken ?? '' }));
        const tokens = await renew().catch((err: unknown) => {
          // A refused refresh token (used, expired, revoked) or client secret will never work again,
          // unless another tab renewed first and handed us its newer session while this request ran.
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

  /** `POST /oauth/token` without an access token: a grant exchanged for new tokens. */
  async requestTokens(req: TokenRequest): Promise<TokenResponse> {
    const path = '/oauth/token';
    return checkBody(await this.call('POST', path, undefined, req), TokenResponse, `POST ${path}`);
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

  /** Whether an expired access token can be replaced: there is a refresh token or another way to renew. */
  get canRenew(): boolean {
    return this.options.renewTokens !== undefined || Boolean(this.options.session.tokens.refresh_token);
  }

  /** One call with the access token, renewed and retried once when the server says it expired. */
  /**
   * One call with the access token, renewed and retried once when the server says it expired. `target` is a
   * path on messaging, or (with `ownService` false) a full URL on another service.
   */
  private async authorized(
    method: string,
    target: string,
    body: unknown,
    ownService = true,
  ): Promise<string> {
    try {
      return await this.call(method, target, this.accessToken, body, ownService);
    } catch (err) {
      if (err instanceof ParleyApiError && err.status === 401 && this.canRenew) {
        await this.refreshSession();
        return this.call(method, target, this.accessToken, body, ownService);
      }
      throw err;
    }
  }

  private async call(
    method: string,
    target: string,
    token: string | undefined,
    body?: unknown,
    ownService = true,
  ): Promise<string> {
    if (!ownService) return fetchBody(this.fetchImpl, target, method, token, body);
    try {
      const text = await fetchBody(this.fetchImpl, `${this.baseUrl}${target}`, method, token, body);
      this.options.onReachability?.(true);
      return text;
    } catch (err) {
      this.options.onReachability?.(!(err instanceof ParleyApiError && err.status === 0));
      throw err;
    }
  }
}

/** Sends one request and returns the answer's body; no answer or an error status is a ParleyApiError. */
async function fetchBody(
  fetchImpl: FetchLike,
  url: string,
  method: string,
  token: string | undefined,
  body?: unknown,
): Promise<string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  let text: string;
  try {
    res = await fetchImpl(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    text = await res.text();
  } catch (err) {
    throw new ParleyApiError(0, `network error: ${(err as Error).message}`, 'network_error');
  }
  if (!res.ok) throw errorFromBody(res.status, res.statusText, text);
  return text;
}

/** The answer as `schema` describes it, or a ParleyApiError 502 `bad_response` naming what did not match. */
export function checkBody<T>(text: string, schema: ResponseSchema<T>, where: string): T {
  const json = parseJson(text);
  if (!json.ok) {
    const message = text ? 'the body is not JSON' : 'the body is empty';
    throw mismatchError(`unexpected answer to ${where}`, 'bad_response', [{ path: '', message }]);
  }
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return parsed.data;
  throw mismatchError(`unexpected answer to ${where}`, 'bad_response', describeIssues(parsed.error.issues));
}

/** The server's reason for an error status; a body that is not a Parley error (a proxy's page) still says something. */
export function errorFromBody(status: number, statusText: string, text: string): ParleyApiError {
  const json = parseJson(text);
  const parsed = json.ok ? ServerErrorBody.safeParse(json.value) : undefined;
  if (parsed?.success) {
    const { message, code, issues } = parsed.data;
    return new ParleyApiError(status, message, typeof code === 'string' ? code : undefined, issues ?? []);
  }
  const plain = json.ok ? '' : text.trim().slice(0, 200);
  return new ParleyApiError(status, plain || statusText || `HTTP ${status}`);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (!text) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Sign-up and log-in, before a Messenger exists. */
export const Auth = {
  signUp(
    baseUrl: string,
    req: { username: string; password: string; displayName?: string; msisdn?: string },
    fetchImpl: FetchLike = fetch,
  ): Promise<AuthSession> {
    return authRequest(fetchImpl, baseUrl, '/v1/auth/signup', req, AuthSession);
  },
  login(
    baseUrl: string,
    username: string,
    password: string,
    fetchImpl: FetchLike = fetch,
  ): Promise<AuthSession> {
    return authRequest(fetchImpl, baseUrl, '/v1/auth/login', { username, password }, AuthSession);
  },

  /**
   * A machine client's access token (OAuth2 client_credentials grant). Without `scope` the server grants
   * every scope the client is registered with. There is no refresh token: ask again before it expires.
   */
  clientCredentials(
    baseUrl: string,
    req: { clientId: string; clientSecret: string; scope?: string },
    fetchImpl: FetchLike = fetch,
  ): Promise<TokenResponse> {
    const body: TokenRequest = {
      grant_type: 'client_credentials',
      client_id: req.clientId,
      client_secret: req.clientSecret,
      ...(req.scope !== undefined ? { scope: req.scope } : {}),
    };
    return authRequest(fetchImpl, baseUrl, '/oauth/token', body, TokenResponse);
  },
};

async function authRequest<T>(
  fetchImpl: FetchLike,
  baseUrl: string,
  path: string,
  body: unknown,
  schema: ResponseSchema<T>,
): Promise<T> {
  const url = `${baseUrl.replace(/\/$/, '')}${path}`;
  return checkBody(await fetchBody(fetchImpl, url, 'POST', undefined, body), schema, `POST ${path}`);
}
