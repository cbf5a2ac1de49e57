import {
  AuthenticationError,
  AuthorizationError,
  Scopes,
  type Principal,
  type TokenVerifier,
} from '@parley/auth';

import { ForbiddenError } from '@parley/service-kit';

/** The caller is a user without a phone number: a terminal is a number, so there is nothing to register. */
export class MissingMsisdnError extends ForbiddenError {
  override readonly code = 'missing_msisdn';
}

/**
 * A terminal authenticates with a bearer access token that carries `call.control.answer_and_initiate`;
 * the token's msisdn is the terminal's number.
 */
export async function authenticateTerminal(
  verifier: TokenVerifier,
  token: string | undefined,
): Promise<{ principal: Principal; msisdn: string }> {
  if (!token) throw new AuthenticationError('missing_token');
  const principal = await verifier.verify(token);
  if (!principal.scopes.includes(Scopes.callControl)) throw new AuthorizationError([Scopes.callControl]);
  if (!principal.msisdn)
    throw new MissingMsisdnError('the access token has no msisdn: register a phone number first');
  return { principal, msisdn: principal.msisdn };
}
