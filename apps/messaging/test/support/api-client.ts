import type { AuthSession } from '@parley/protocol';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A thin REST client for tests: returns status and parsed body, never throws on HTTP errors. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string; contentType?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) {
      body = opts.rawBody;
      headers['content-type'] = opts.contentType ?? 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* non-JSON bodies are returned as text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, token?: string) {
    return this.request<T>('GET', path, { token });
  }
  post<T = any>(path: string, token: string | undefined, body?: unknown) {
    return this.request<T>('POST', path, { token, body });
  }
  patch<T = any>(path: string, token: string, body?: unknown) {
    return this.request<T>('PATCH', path, { token, body });
  }
  delete<T = any>(path: string, token: string) {
    return this.request<T>('DELETE', path, { token });
  }

  /** Signs up a user with a unique name made from `base` (see uniqueUsername). */
  newUser(base: string): Promise<TestUser> {
    return this.signUp(uniqueUsername(base));
  }

  /** Signs up a user and returns its id and access token. */
  async signUp(username: string, extra: { msisdn?: string; displayName?: string } = {}): Promise<TestUser> {
    const res = await this.post<AuthSession>('/v1/auth/signup', undefined, {
      username,
      password: 'correct horse battery',
      ...extra,
    });
    if (res.status !== 201)
      throw new Error(`sign-up of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      id: res.body.user.id,
      username,
      token: res.body.tokens.access_token,
      refreshToken: res.body.tokens.refresh_token!,
    };
  }
}

export interface TestUser {
  id: string;
  username: string;
  token: string;
  refreshToken: string;
}

let counter = 0;
/** Usernames unique within a run, valid for the username rule. */
export function uniqueUsername(base: string): string {
  counter += 1;
  return `${base}${counter}${Math.random().toString(36).slice(2, 6)}`;
}
