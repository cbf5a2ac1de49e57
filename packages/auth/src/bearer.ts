/** The minimal request shape shared by Node's IncomingMessage, Express and Fastify requests. */
export interface BearerTokenSource {
  headers: Record<string, string | string[] | undefined>;
  url?: string;
}

const BEARER_PATTERN = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;
const QUERY_PARAMETER = 'access_token';

/**
 * Finds the access token of a request: the `Authorization: Bearer` header (RFC 6750 §2.1), or, for
 * WebSocket upgrade requests only, the `access_token` query parameter (§2.3), because browsers
 * cannot set headers on `new WebSocket(...)`. Plain HTTP requests never read the query string, so
 * tokens do not end up in URLs that proxies and access logs record.
 */
export function extractBearerToken(req: BearerTokenSource): string | undefined {
  const fromHeader = tokenFromAuthorizationHeader(firstHeader(req.headers['authorization']));
  if (fromHeader !== undefined) return fromHeader;
  if (isWebSocketUpgrade(req)) return tokenFromQuery(req.url);
  return undefined;
}

function tokenFromAuthorizationHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER_PATTERN.exec(header.trim())?.[1];
}

function isWebSocketUpgrade(req: BearerTokenSource): boolean {
  return firstHeader(req.headers['upgrade'])?.toLowerCase() === 'websocket';
}

function tokenFromQuery(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let token: string | null;
  try {
    // Only the query matters; the base just makes relative request targets parseable.
    token = new URL(url, 'http://localhost').searchParams.get(QUERY_PARAMETER);
  } catch {
    return undefined;
  }
  return token ? token : undefined;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
