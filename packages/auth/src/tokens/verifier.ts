import {
  createLocalJWKSet,
  createRemoteJWKSet,
  jwtVerify,
  errors as joseErrors,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { AuthenticationError } from '../errors.js';
import type { Principal } from '../principal.js';
import { ACCESS_TOKEN_TYPE, principalFromClaims } from './claims.js';
import { SIGNING_ALGORITHMS } from './signing-key.js';
import { VerifiedTokens } from './verified-tokens.js';

export interface TokenVerifierOptions {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud`. */
  audience: string;
  /** Leeway for `exp` when hosts' clocks drift; defaults to 0 because tokens are short-lived anyway. */
  clockToleranceSeconds?: number;
}

/**
 * Tokens longer than this are rejected before any parsing. Ours are well under 1 KiB; the cap just
 * keeps hostile input from costing base64/JSON work.
 */
const MAX_TOKEN_LENGTH = 8192;

/**
 * jose failures that mean "this token is not acceptable". Anything else (JWKS endpoint unreachable,
 * timing out or serving garbage) is an outage on our side and is rethrown untouched, so it surfaces
 * as a server error instead of telling a client with a good token to sign in again.
 */
const INVALID_TOKEN_CODES: ReadonlySet<string> = new Set([
  joseErrors.JWSInvalid.code,
  joseErrors.JWTInvalid.code,
  joseErrors.JWSSignatureVerificationFailed.code,
  joseErrors.JWTClaimValidationFailed.code,
  joseErrors.JOSEAlgNotAllowed.code,
  joseErrors.JOSENotSupported.code,
  joseErrors.JWKSNoMatchingKey.code,
  joseErrors.JWKSMultipleMatchingKeys.code,
]);

/** Distinct tokens remembered as verified: far more than the clients one node serves at once. */
const VERIFIED_TOKENS_KEPT = 50_000;
/** How long a remembered verification holds before the signature is checked again. */
const VERIFIED_TOKEN_RECHECK_MS = 60_000;

/** Checks Parley access tokens against the issuer's public keys and turns them into Principals. */
export class TokenVerifier {
  private readonly verified = new VerifiedTokens(VERIFIED_TOKENS_KEPT, VERIFIED_TOKEN_RECHECK_MS);

  private constructor(
    private readonly keys: JWTVerifyGetKey,
    private readonly options: Readonly<TokenVerifierOptions>,
  ) {}

  /** Verifier over a JWKS held in memory (the issuer's own `jwks()`, or one loaded from config). */
  static fromJwks(jwks: { keys: JWK[] }, opts: TokenVerifierOptions): TokenVerifier {
    return new TokenVerifier(createLocalJWKSet(jwks), { ...opts });
  }

  /**
   * Verifier that fetches the issuer's JWKS over HTTP. jose caches the set and refetches when a token
   * names an unknown `kid` (rate-limited by a cooldown), which is what makes key rotation work.
   */
  static fromJwksUrl(url: string, opts: TokenVerifierOptions): TokenVerifier {
    return new TokenVerifier(createRemoteJWKSet(new URL(url)), { ...opts });
  }

  /**
   * Resolves to the token's Principal or rejects with AuthenticationError (`missing_token`,
   * `invalid_token`, `expired_token`). Accepts `undefined` so callers can pass
   * `extractBearerToken(req)` straight through.
   */
  async verify(token: string | undefined): Promise<Principal> {
    if (token === undefined || token.length === 0) throw new AuthenticationError('missing_token');
    if (token.length > MAX_TOKEN_LENGTH)
      throw new AuthenticationError('invalid_token', 'The access token is too long');
    const tolerance = this.options.clockToleranceSeconds ?? 0;
    const remembered = this.verified.get(token, Date.now(), tolerance);
    if (remembered) return remembered;

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [...SIGNING_ALGORITHMS],
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        clockTolerance: tolerance,
      }));
    } catch (error) {
      throw toAuthenticationError(error);
    }

    const principal = principalFromClaims(payload);
    if (!principal) throw new AuthenticationError('invalid_token', 'The access token has malformed claims');
    this.verified.remember(token, principal, Date.now());
    return principal;
  }
}

function toAuthenticationError(error: unknown): unknown {
  if (error instanceof joseErrors.JWTExpired)
    return new AuthenticationError('expired_token', undefined, { cause: error });
  if (error instanceof joseErrors.JOSEError && INVALID_TOKEN_CODES.has(error.code)) {
    return new AuthenticationError('invalid_token', undefined, { cause: error });
  }
  return error;
}
