import {
  SignJWT,
  UnsecuredJWT,
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  exportJWK,
} from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthenticationError } from './errors.js';
import { Scopes } from './scopes.js';
import { TokenIssuer } from './tokens/issuer.js';
import { TokenVerifier } from './tokens/verifier.js';

const ISSUER = 'https://messaging.parley.test';
const AUDIENCE = 'parley';

async function expectAuthenticationFailure(promise: Promise<unknown>, reason: AuthenticationError['reason']) {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  expect((error as AuthenticationError).reason).toBe(reason);
}

/** Issues a token as if it were `secondsAgo` seconds in the past, without waiting. */
async function issueInThePast(issuer: TokenIssuer, secondsAgo: number, ttlSeconds: number) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() - secondsAgo * 1000);
  try {
    return await issuer.issueAccessToken({ subject: 'user-1', kind: 'user', scopes: [], ttlSeconds });
  } finally {
    vi.useRealTimers();
  }
}

describe('TokenIssuer / TokenVerifier', () => {
  let issuer: TokenIssuer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    issuer = await TokenIssuer.create({ issuer: ISSUER, audience: AUDIENCE, accessTokenTtlSeconds: 900 });
    verifier = issuer.verifier();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('round-trips a user token into a Principal', async () => {
    const before = Math.floor(Date.now() / 1000);
    const issued = await issuer.issueAccessToken({
      subject: 'user-42',
      kind: 'user',
      scopes: [Scopes.messagesRead, Scopes.messagesWrite],
      username: 'alice',
      msisdn: '+15551234567',
    });

    expect(issued.expiresIn).toBe(900);
    expect(issued.expiresAt).toBeGreaterThanOrEqual(before + 900);
    expect(issued.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 900);

    const principal = await verifier.verify(issued.accessToken);
    expect(principal).toEqual({
      subject: 'user-42',
      kind: 'user',
      scopes: ['messages.read', 'messages.write'],
      username: 'alice',
      msisdn: '+15551234567',
      tokenId: issued.tokenId,
      expiresAt: issued.expiresAt,
    });
  });

  it('puts the agreed header and claims on the wire', async () => {
    const issued = await issuer.issueAccessToken({
      subject: 'client-7',
      kind: 'client',
      scopes: [Scopes.webhooksManage, Scopes.messagesRead],
      ttlSeconds: 60,
    });
    const header = decodeProtectedHeader(issued.accessToken);
    expect(header).toEqual({ alg: 'ES256', kid: issuer.jwks().keys[0]!.kid, typ: 'at+jwt' });

    const claims = decodeJwt(issued.accessToken);
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'client-7',
      kind: 'client',
      scope: 'webhooks.manage messages.read',
      jti: issued.tokenId,
      exp: issued.expiresAt,
    });
    expect(claims.exp! - claims.iat!).toBe(60);
    expect(claims).not.toHaveProperty('username');
    expect(claims).not.toHaveProperty('msisdn');

    const principal = await verifier.verify(issued.accessToken);
    expect(principal.kind).toBe('client');
    expect(principal).not.toHaveProperty('username');
  });

  it('gives every token a distinct jti', async () => {
    const request = { subject: 'user-1', kind: 'user' as const, scopes: [] };
    const [a, b] = await Promise.all([issuer.issueAccessToken(request), issuer.issueAccessToken(request)]);
    expect(a.tokenId).not.toBe(b.tokenId);
  });

  it('rejects expired tokens with reason expired_token', async () => {
    const issued = await issueInThePast(issuer, 120, 60);
    await expectAuthenticationFailure(verifier.verify(issued.accessToken), 'expired_token');
  });

  it('refuses a token it verified before once that token has expired', async () => {
    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    const issued = await issuer.issueAccessToken({
      subject: 'user-1',
      kind: 'user',
      scopes: [],
      ttlSeconds: 30,
    });
    await expect(verifier.verify(issued.accessToken)).resolves.toMatchObject({ subject: 'user-1' });
    await expect(verifier.verify(issued.accessToken)).resolves.toMatchObject({ subject: 'user-1' });
    vi.setSystemTime(Date.now() + 31_000);
    await expectAuthenticationFailure(verifier.verify(issued.accessToken), 'expired_token');
  });

  it('honours a configured clock tolerance for expiry', async () => {
    const issued = await issueInThePast(issuer, 65, 60);
    const lenient = TokenVerifier.fromJwks(issuer.jwks(), {
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 30,
    });
    await expect(lenient.verify(issued.accessToken)).resolves.toMatchObject({ subject: 'user-1' });
    await expectAuthenticationFailure(verifier.verify(issued.accessToken), 'expired_token');
  });

  it('rejects a token signed by another key, even when it claims our kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ scope: Scopes.admin, kind: 'user' })
      .setProtectedHeader({ alg: 'ES256', kid: issuer.jwks().keys[0]!.kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('attacker')
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('forged')
      .sign(privateKey);
    await expectAuthenticationFailure(verifier.verify(forged), 'invalid_token');
  });

  it('rejects a token from another issuer instance with its own key and kid', async () => {
    const otherIssuer = await TokenIssuer.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTokenTtlSeconds: 60,
    });
    const foreign = await otherIssuer.issueAccessToken({ subject: 'user-1', kind: 'user', scopes: [] });
    await expectAuthenticationFailure(verifier.verify(foreign.accessToken), 'invalid_token');
  });

  it('rejects a token whose payload was tampered with', async () => {
    const issued = await issuer.issueAccessToken({
      subject: 'user-1',
      kind: 'user',
      scopes: [Scopes.messagesRead],
    });
    const [header, payload, signature] = issued.accessToken.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) as Record<
      string,
      unknown
    >;
    const escalated = base64url.encode(JSON.stringify({ ...claims, scope: Scopes.admin }));
    await expectAuthenticationFailure(
      verifier.verify(`${header}.${escalated}.${signature}`),
      'invalid_token',
    );
  });

  it('rejects wrong issuer and wrong audience', async () => {
    const issued = await issuer.issueAccessToken({ subject: 'user-1', kind: 'user', scopes: [] });
    const otherIssuer = TokenVerifier.fromJwks(issuer.jwks(), {
      issuer: 'https://evil.test',
      audience: AUDIENCE,
    });
    const otherAudience = TokenVerifier.fromJwks(issuer.jwks(), { issuer: ISSUER, audience: 'billing' });
    await expectAuthenticationFailure(otherIssuer.verify(issued.accessToken), 'invalid_token');
    await expectAuthenticationFailure(otherAudience.verify(issued.accessToken), 'invalid_token');
  });

  it('rejects unsigned (alg none) tokens', async () => {
    const unsigned = new UnsecuredJWT({ scope: Scopes.admin, kind: 'user' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('attacker')
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('none')
      .encode();
    expect(decodeProtectedHeader(unsigned).alg).toBe('none');
    await expectAuthenticationFailure(verifier.verify(unsigned), 'invalid_token');
  });

  it('rejects HMAC tokens keyed with the public key (algorithm confusion)', async () => {
    const publicJwk = issuer.jwks().keys[0]!;
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const confused = await new SignJWT({ scope: Scopes.admin, kind: 'user' })
      .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid!, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('attacker')
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('hs')
      .sign(secret);
    await expectAuthenticationFailure(verifier.verify(confused), 'invalid_token');
  });

  it('rejects JWTs of another type signed by the same key', async () => {
    const jwk = await issuer.exportPrivateJwk();
    const { importJWK } = await import('jose');
    const key = await importJWK(jwk, 'ES256');
    const idToken = await new SignJWT({ scope: Scopes.admin, kind: 'user' })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid!, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('id-token')
      .sign(key);
    await expectAuthenticationFailure(verifier.verify(idToken), 'invalid_token');
  });

  it('reports missing and garbage tokens', async () => {
    await expectAuthenticationFailure(verifier.verify(undefined), 'missing_token');
    await expectAuthenticationFailure(verifier.verify(''), 'missing_token');
    await expectAuthenticationFailure(verifier.verify('not-a-jwt'), 'invalid_token');
    await expectAuthenticationFailure(verifier.verify('a.b.c'), 'invalid_token');
    await expectAuthenticationFailure(verifier.verify('x'.repeat(10_000)), 'invalid_token');
  });

  it('refuses to issue tokens with invalid input', async () => {
    await expect(issuer.issueAccessToken({ subject: '', kind: 'user', scopes: [] })).rejects.toThrow(
      TypeError,
    );
    await expect(issuer.issueAccessToken({ subject: 'u', kind: 'user', scopes: ['a b'] })).rejects.toThrow(
      TypeError,
    );
    await expect(
      issuer.issueAccessToken({ subject: 'u', kind: 'user', scopes: [], ttlSeconds: 0 }),
    ).rejects.toThrow(RangeError);
    await expect(
      issuer.issueAccessToken({ subject: 'u', kind: 'robot' as 'user', scopes: [] }),
    ).rejects.toThrow(TypeError);
  });
});

describe('JWKS and keys', () => {
  it('publishes only public key material', async () => {
    const issuer = await TokenIssuer.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTokenTtlSeconds: 60,
    });
    const { keys } = issuer.jwks();
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(typeof key!.kid).toBe('string');
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
      expect(key).not.toHaveProperty(privateMember);
    }
    // The private half exists; it just never reaches the JWKS.
    expect((await issuer.exportPrivateJwk()).d).toEqual(expect.any(String));
  });

  it('lets a separate service verify with the published JWKS alone (JSON round trip)', async () => {
    const issuer = await TokenIssuer.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTokenTtlSeconds: 60,
    });
    const published = JSON.parse(JSON.stringify(issuer.jwks())) as ReturnType<TokenIssuer['jwks']>;
    const verifier = TokenVerifier.fromJwks(published, { issuer: ISSUER, audience: AUDIENCE });
    const issued = await issuer.issueAccessToken({
      subject: 'user-9',
      kind: 'user',
      scopes: [Scopes.voiceProxy],
    });
    await expect(verifier.verify(issued.accessToken)).resolves.toMatchObject({
      subject: 'user-9',
      scopes: ['voice.proxy'],
    });
  });

  it('reloads an exported private key with the same kid, so tokens survive a restart', async () => {
    const first = await TokenIssuer.create({ issuer: ISSUER, audience: AUDIENCE, accessTokenTtlSeconds: 60 });
    const persisted = JSON.parse(JSON.stringify(await first.exportPrivateJwk())) as Awaited<
      ReturnType<TokenIssuer['exportPrivateJwk']>
    >;
    expect(persisted).toMatchObject({ kty: 'EC', crv: 'P-256', kid: first.jwks().keys[0]!.kid });

    const restarted = await TokenIssuer.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTokenTtlSeconds: 60,
      privateJwk: persisted,
    });
    expect(restarted.jwks()).toEqual(first.jwks());

    const issuedBefore = await first.issueAccessToken({ subject: 'user-1', kind: 'user', scopes: [] });
    await expect(restarted.verifier().verify(issuedBefore.accessToken)).resolves.toMatchObject({
      subject: 'user-1',
    });
  });

  it('signs with a configured Ed25519 key as EdDSA', async () => {
    const { privateKey } = await generateKeyPair('Ed25519', { extractable: true });
    const privateJwk = { ...(await exportJWK(privateKey)), kid: 'ed-2025' };
    const issuer = await TokenIssuer.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTokenTtlSeconds: 60,
      privateJwk,
    });

    const [published] = issuer.jwks().keys;
    expect(published).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: privateJwk.x,
      kid: 'ed-2025',
      alg: 'EdDSA',
      use: 'sig',
    });

    const issued = await issuer.issueAccessToken({
      subject: 'client-1',
      kind: 'client',
      scopes: [Scopes.voiceProxy],
    });
    expect(decodeProtectedHeader(issued.accessToken)).toMatchObject({ alg: 'EdDSA', kid: 'ed-2025' });
    const verifier = TokenVerifier.fromJwks(issuer.jwks(), { issuer: ISSUER, audience: AUDIENCE });
    await expect(verifier.verify(issued.accessToken)).resolves.toMatchObject({
      subject: 'client-1',
      kind: 'client',
    });
  });

  it('derives a kid from the key thumbprint when the configured JWK has none', async () => {
    const generated = await TokenIssuer.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTokenTtlSeconds: 60,
    });
    const { kid, ...withoutKid } = await generated.exportPrivateJwk();
    const reloaded = await TokenIssuer.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTokenTtlSeconds: 60,
      privateJwk: withoutKid,
    });
    expect(reloaded.jwks().keys[0]!.kid).toBe(kid);
  });

  it('rejects unsupported or public-only signing keys', async () => {
    const options = { issuer: ISSUER, audience: AUDIENCE, accessTokenTtlSeconds: 60 };
    const rsa = await generateKeyPair('RS256', { extractable: true });
    await expect(
      TokenIssuer.create({ ...options, privateJwk: await exportJWK(rsa.privateKey) }),
    ).rejects.toThrow(/Unsupported signing key/);
    const ec = await TokenIssuer.create(options);
    await expect(TokenIssuer.create({ ...options, privateJwk: ec.jwks().keys[0]! })).rejects.toThrow(
      /private key/,
    );
    await expect(TokenIssuer.create({ ...options, accessTokenTtlSeconds: -5 })).rejects.toThrow(RangeError);
  });
});
