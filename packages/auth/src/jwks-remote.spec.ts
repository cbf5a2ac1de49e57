import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError } from './errors.js';
import { Scopes } from './scopes.js';
import { TokenIssuer } from './tokens/issuer.js';
import { TokenVerifier } from './tokens/verifier.js';

const ISSUER = 'https://messaging.parley.test';
const AUDIENCE = 'parley';

describe('TokenVerifier.fromJwksUrl', () => {
  let issuer: TokenIssuer;
  let server: Server;
  let baseUrl: string;
  let jwksRequests = 0;

  beforeAll(async () => {
    issuer = await TokenIssuer.create({ issuer: ISSUER, audience: AUDIENCE, accessTokenTtlSeconds: 300 });
    server = createServer((req, res) => {
      if (req.url === '/.well-known/jwks.json') {
        jwksRequests += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(issuer.jwks()));
      } else {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('unavailable');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  });

  it('verifies tokens against the JWKS served over HTTP, fetching it once', async () => {
    const verifier = TokenVerifier.fromJwksUrl(`${baseUrl}/.well-known/jwks.json`, {
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const requestsBefore = jwksRequests;

    const first = await issuer.issueAccessToken({
      subject: 'user-1',
      kind: 'user',
      scopes: [Scopes.messagesRead],
    });
    const second = await issuer.issueAccessToken({
      subject: 'client-1',
      kind: 'client',
      scopes: [Scopes.admin],
    });

    await expect(verifier.verify(first.accessToken)).resolves.toMatchObject({
      subject: 'user-1',
      scopes: ['messages.read'],
      tokenId: first.tokenId,
    });
    await expect(verifier.verify(second.accessToken)).resolves.toMatchObject({
      subject: 'client-1',
      kind: 'client',
    });
    expect(jwksRequests - requestsBefore).toBe(1);
  });

  it('rejects tokens from a key the JWKS does not publish', async () => {
    const verifier = TokenVerifier.fromJwksUrl(`${baseUrl}/.well-known/jwks.json`, {
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const impostor = await TokenIssuer.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTokenTtlSeconds: 300,
    });
    const forged = await impostor.issueAccessToken({
      subject: 'attacker',
      kind: 'user',
      scopes: [Scopes.admin],
    });

    const error = await verifier.verify(forged.accessToken).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('invalid_token');
  });

  it('surfaces an unavailable JWKS endpoint as an outage, not as a bad token', async () => {
    const verifier = TokenVerifier.fromJwksUrl(`${baseUrl}/down`, { issuer: ISSUER, audience: AUDIENCE });
    const issued = await issuer.issueAccessToken({ subject: 'user-1', kind: 'user', scopes: [] });

    const error = await verifier.verify(issued.accessToken).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(AuthenticationError);
  });
});
