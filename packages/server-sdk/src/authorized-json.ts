import type { ClientCredentialsTokens } from './client-credentials-tokens.js';
import { MessagingUnavailableError, ParleyRequestError } from './errors.js';
import { readJson } from './read-json.js';

export interface AuthorizedJsonOptions {
  /** Messaging's base URL, without a trailing slash. */
  messagingUrl: string;
  /** The machine client's tokens: every request is made as the client. */
  tokens: ClientCredentialsTokens;
  /** How long one request may take. Default 5 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * One JSON request as the machine client: a refused token is renewed once; a 4xx becomes ParleyRequestError,
 * anything worth retrying later MessagingUnavailableError; the answer is parsed with `schema`.
 */
export async function requestAsClient<T>(
  options: AuthorizedJsonOptions,
  method: string,
  path: string,
  schema: Schema<T> | undefined,
  body?: unknown,
): Promise<T> {
  const fetchImpl = options.fetch ?? fetch;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetchImpl(`${options.messagingUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await options.tokens.token()}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
    } catch (err) {
      if (err instanceof ParleyRequestError || err instanceof MessagingUnavailableError) throw err;
      throw new MessagingUnavailableError(`${method} ${path}: ${(err as Error).message}`, { cause: err });
    }
    if (res.status === 401 && attempt === 1) {
      await res.body?.cancel();
      options.tokens.invalidate();
      continue;
    }
    if (res.ok) {
      if (!schema) {
        await res.body?.cancel();
        return undefined as T;
      }
      const parsed = schema.safeParse(await readJson(res));
      if (!parsed.success)
        throw new MessagingUnavailableError(`messaging answered ${method} ${path} with an unexpected body`);
      return parsed.data;
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      const error = (await readJson(res)) as { code?: unknown; message?: unknown } | undefined;
      throw new ParleyRequestError(
        res.status,
        typeof error?.code === 'string' ? error.code : 'http_' + res.status,
        typeof error?.message === 'string' ? error.message : `${method} ${path}: HTTP ${res.status}`,
      );
    }
    await res.body?.cancel();
    throw new MessagingUnavailableError(`messaging answered ${method} ${path} with HTTP ${res.status}`);
  }
}
