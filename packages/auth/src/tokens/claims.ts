import type { JWTPayload } from 'jose';
import { isPrincipalKind, type Principal, type PrincipalKind } from '../principal.js';
import { formatScopeString, parseScopeString } from '../scopes.js';

/**
 * JWT `typ` header of Parley access tokens (RFC 9068). Verifiers require it, so another kind of JWT
 * from the same issuer and key (an ID token, say) cannot be replayed as an access token.
 */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Parley's private claims next to the registered ones (iss, aud, sub, exp, iat, jti). */
export interface AccessTokenClaims extends JWTPayload {
  /** Space-separated scopes, the OAuth2 representation. */
  scope: string;
  kind: PrincipalKind;
  username?: string;
  msisdn?: string;
}

export interface PrincipalClaimsInput {
  kind: PrincipalKind;
  scopes: string[];
  username?: string;
  msisdn?: string;
}

/** The non-registered claims for a token; optional ones are omitted rather than sent as null. */
export function buildPrivateClaims(input: PrincipalClaimsInput): AccessTokenClaims {
  if (!isPrincipalKind(input.kind)) {
    throw new TypeError(`Invalid principal kind ${JSON.stringify(input.kind)}`);
  }
  const claims: AccessTokenClaims = { scope: formatScopeString(input.scopes), kind: input.kind };
  if (input.username !== undefined) claims.username = input.username;
  if (input.msisdn !== undefined) claims.msisdn = input.msisdn;
  return claims;
}

/**
 * Turns a signature-checked payload into a Principal. Returns undefined when a claim has the wrong
 * shape: a correctly signed but malformed token is still not one this package issued.
 */
export function principalFromClaims(payload: JWTPayload): Principal | undefined {
  const { sub, jti, exp, kind, scope, username, msisdn } = payload;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  if (typeof jti !== 'string' || jti.length === 0) return undefined;
  if (typeof exp !== 'number') return undefined;
  if (!isPrincipalKind(kind)) return undefined;
  if (scope !== undefined && typeof scope !== 'string') return undefined;
  if (username !== undefined && typeof username !== 'string') return undefined;
  if (msisdn !== undefined && typeof msisdn !== 'string') return undefined;

  const principal: Principal = {
    subject: sub,
    kind,
    scopes: parseScopeString(scope),
    tokenId: jti,
    expiresAt: exp,
  };
  if (username !== undefined) principal.username = username;
  if (msisdn !== undefined) principal.msisdn = msisdn;
  return principal;
}
