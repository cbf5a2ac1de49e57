/** Injection token for the TokenVerifier that AuthModule.forRoot provides. */
export const TOKEN_VERIFIER: unique symbol = Symbol('parley.auth.TokenVerifier');

/** Metadata key set by @Public(). */
export const IS_PUBLIC_KEY = 'parley.auth:isPublic';

/** Metadata key set by @RequireScopes(). */
export const REQUIRED_SCOPES_KEY = 'parley.auth:requiredScopes';
