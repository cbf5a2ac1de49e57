import { randomUUID } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import type { PrincipalKind } from '../principal.js';
import { ACCESS_TOKEN_TYPE, buildPrivateClaims } from './claims.js';
import { exportSigningKey, generateSigningKey, importSigningKey, type SigningKey } from './signing-key.js';
import { TokenVerifier } from './verifier.js';

export interface TokenIssuerOptions {
  /** `iss` claim, e.g. the messaging service's public base URL. */
  issuer: string;
  /** `aud` claim that every Parley service expects. */
  audience: string;
  /** Default lifetime of access tokens; keep it short, refresh tokens cover long sessions. */
  accessTokenTtlSeconds: number;
  /** EC P-256 or OKP Ed25519 private JWK (ideally with a `kid`). Omit to generate an ES256 key. */
  privateJwk?: JWK;
}

export interface AccessTokenRequest {
  subject: string;
  kind: PrincipalKind;
  scopes: string[];
  username?: string;
  msisdn?: string;
  /** Overrides the issuer's default lifetime for this token. */
  ttlSeconds?: number;
}

export interface IssuedAccessToken {
  accessToken: string;
  /** Epoch seconds, equal to the token's `exp`. */
  expiresAt: number;
  /** Seconds from now, as the OAuth2 token response's `expires_in`. */
  expiresIn: number;
  /** The token's `jti`. */
  tokenId: string;
}

/**
 * Signs short-lived JWT access tokens. Only the messaging service holds one; every other service
 * checks tokens against the public keys from `jwks()` (see TokenVerifier), so no secret is shared.
 */
export class TokenIssuer {
  private constructor(
    private readonly options: Readonly<Omit<TokenIssuerOptions, 'privateJwk'>>,
    private readonly signingKey: SigningKey,
  ) {}

  static async create(opts: TokenIssuerOptions): Promise<TokenIssuer> {
    requireNonEmpty(opts.issuer, 'issuer');
    requireNonEmpty(opts.audience, 'audience');
    requirePositiveSeconds(opts.accessTokenTtlSeconds, 'accessTokenTtlSeconds');
    const signingKey = opts.privateJwk ? await importSigningKey(opts.privateJwk) : await generateSigningKey();
    const { issuer, audience, accessTokenTtlSeconds } = opts;
    return new TokenIssuer({ issuer, audience, accessTokenTtlSeconds }, signingKey);
  }

  async issueAccessToken(claims: AccessTokenRequest): Promise<IssuedAccessToken> {
    requireNonEmpty(claims.subject, 'subject');
    const ttlSeconds = claims.ttlSeconds ?? this.options.accessTokenTtlSeconds;
    requirePositiveSeconds(ttlSeconds, 'ttlSeconds');

    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + ttlSeconds;
    const tokenId = randomUUID();

    const accessToken = await new SignJWT(buildPrivateClaims(claims))
      .setProtectedHeader({ alg: this.signingKey.alg, kid: this.signingKey.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(claims.subject)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(tokenId)
      .sign(this.signingKey.privateKey);

    return { accessToken, expiresAt, expiresIn: ttlSeconds, tokenId };
  }

  /** The public JWKS to serve (conventionally at /.well-known/jwks.json); never contains private members. */
  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.signingKey.publicJwk }] };
  }

  /** The signing key as a private JWK, so a dev server can persist a generated key across restarts. */
  exportPrivateJwk(): Promise<JWK> {
    return exportSigningKey(this.signingKey);
  }

  /** A verifier for this issuer's tokens that needs no network, e.g. inside the issuing service. */
  verifier(): TokenVerifier {
    return TokenVerifier.fromJwks(this.jwks(), {
      issuer: this.options.issuer,
      audience: this.options.audience,
    });
  }
}

function requireNonEmpty(value: string, name: string): void {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`${name} must be a non-empty string`);
}

function requirePositiveSeconds(value: number, name: string): void {
  if (!Number.isInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}
