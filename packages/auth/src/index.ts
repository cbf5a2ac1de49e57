// Public surface of @parley/auth. Anything not exported here is an implementation detail.

export {
  Scopes,
  ALL_SCOPES,
  DEFAULT_USER_SCOPES,
  hasScopes,
  isKnownScope,
  parseScopeString,
  type Scope,
} from './scopes.js';
export type { Principal, PrincipalKind } from './principal.js';
export { AuthenticationError, AuthorizationError, type AuthenticationFailureReason } from './errors.js';

export {
  TokenIssuer,
  type TokenIssuerOptions,
  type AccessTokenRequest,
  type IssuedAccessToken,
} from './tokens/issuer.js';
export { TokenVerifier, type TokenVerifierOptions } from './tokens/verifier.js';

export { FAST_TEST_SCRYPT_PARAMS, hashSecret, verifySecret, type ScryptParams } from './secrets.js';
export { generateOpaqueToken, sha256Base64Url } from './opaque-tokens.js';
export { extractBearerToken, type BearerTokenSource } from './bearer.js';

export { TOKEN_VERIFIER, IS_PUBLIC_KEY, REQUIRED_SCOPES_KEY } from './nest/tokens.js';
export { AuthModule } from './nest/auth.module.js';
export { JwtAuthGuard } from './nest/jwt-auth.guard.js';
export { WsAuthGuard } from './nest/ws-auth.guard.js';
export { Public, RequireScopes, CurrentPrincipal } from './nest/decorators.js';
export type { PrincipalHolder } from './nest/principal-holder.js';

// Re-exported so consumers can type keys without depending on jose directly.
export type { JWK } from 'jose';
