import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenIssuer, type PrincipalKind } from '@parley/auth';

export interface TokenServerOptions {
  /** `iss` of the minted tokens; the default is what the services expect by default. */
  issuer?: string;
  /** `aud` of the minted tokens. */
  audience?: string;
  /** Lifetime of a token minted without `ttlSeconds`. */
  ttlSeconds?: number;
}

export interface MintTokenRequest {
  /** Space-free OAuth2 scope names, e.g. `Scopes.callControl`. Empty for a token that may do nothing. */
  scopes: readonly string[];
  /** The `sub` claim; a fresh UUID when left out. */
  sub?: string;
  msisdn?: string;
  username?: string;
  kind?: PrincipalKind;
  /** Overrides the server's default lifetime. */
  ttlSeconds?: number;
}

export interface TokenServer {
  /** Where the public keys are served: `<url>/.well-known/jwks.json`. */
  readonly jwksUrl: string;
  /** The issuer behind the server, for tests that need its verifier or its key. */
  readonly issuer: TokenIssuer;
  /** Signs an access token the services accept when they trust `jwksUrl`. */
  mintToken(request: MintTokenRequest): Promise<string>;
  close(): Promise<void>;
}

/**
 * Stands in for the messaging service as the token issuer: a freshly generated ES256 key, its public JWK
 * set served over HTTP on 127.0.0.1, and access tokens signed with it on demand. Uses @parley/auth's
 * TokenIssuer, so the tokens are exactly the ones the real issuer produces.
 */
export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const issuer = await TokenIssuer.create({
    issuer: options.issuer ?? 'parley-messaging',
    audience: options.audience ?? 'parley',
    accessTokenTtlSeconds: options.ttlSeconds ?? 600,
  });
  const jwks = JSON.stringify(issuer.jwks());
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json')
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer,
    async mintToken(request) {
      const { accessToken } = await issuer.issueAccessToken({
        subject: request.sub ?? randomUUID(),
        kind: request.kind ?? 'user',
        scopes: [...request.scopes],
        ...(request.msisdn !== undefined ? { msisdn: request.msisdn } : {}),
        ...(request.username !== undefined ? { username: request.username } : {}),
        ...(request.ttlSeconds !== undefined ? { ttlSeconds: request.ttlSeconds } : {}),
      });
      return accessToken;
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        // Keep-alive sockets of a JWKS client would otherwise hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
