import { TokenVerifier } from '@parley/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTokenServer, type TokenServer } from './token-server.js';

describe('token server', () => {
  let tokens: TokenServer;
  beforeAll(async () => {
    tokens = await startTokenServer();
  });
  afterAll(async () => tokens?.close());

  it('mints tokens a verifier trusting its JWKS URL accepts, with the asked claims', async () => {
    const verifier = TokenVerifier.fromJwksUrl(tokens.jwksUrl, {
      issuer: 'parley-messaging',
      audience: 'parley',
    });
    const token = await tokens.mintToken({
      sub: 'user-1',
      scopes: ['call.control.answer_and_initiate'],
      msisdn: '+4790000001',
    });
    const principal = await verifier.verify(token);
    expect(principal).toMatchObject({
      subject: 'user-1',
      kind: 'user',
      scopes: ['call.control.answer_and_initiate'],
      msisdn: '+4790000001',
    });
  });

  it('publishes public keys only, as ES256', async () => {
    const res = await fetch(tokens.jwksUrl);
    const body = (await res.json()) as { keys: Array<Record<string, unknown>> };
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(body.keys[0]).not.toHaveProperty('d');
  });

  it('mints a token that expires after the asked ttl', async () => {
    const token = await tokens.mintToken({ scopes: [], ttlSeconds: 5 });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(claims.exp - claims.iat).toBe(5);
  });

  it('answers 404 anywhere else', async () => {
    const res = await fetch(tokens.jwksUrl.replace('/.well-known/jwks.json', '/other'));
    expect(res.status).toBe(404);
  });
});
