/** The authenticated caller, as recovered from a verified access token. */
export interface Principal {
  /** User id for `kind: 'user'`, OAuth2 client id for `kind: 'client'`. */
  subject: string;
  kind: PrincipalKind;
  scopes: string[];
  username?: string;
  msisdn?: string;
  /** The token's `jti`; lets services log or revoke individual tokens. */
  tokenId: string;
  /** The token's `exp`, in epoch seconds. */
  expiresAt: number;
}

/** A person signed in through the messaging service, or a machine using client credentials. */
export type PrincipalKind = 'user' | 'client';

export const PRINCIPAL_KINDS: readonly PrincipalKind[] = ['user', 'client'];

export function isPrincipalKind(value: unknown): value is PrincipalKind {
  return typeof value === 'string' && (PRINCIPAL_KINDS as readonly string[]).includes(value);
}
