import { createHmac } from 'node:crypto';

/**
 * Time-limited TURN credentials of the TURN REST API (draft-uberti-behave-turn-rest), as coturn checks them
 * with `use-auth-secret` + `static-auth-secret`: the username is `<expiry unix time>:<user id>` and the
 * password is base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC and refuses the username
 * once its time has passed, so nothing is stored per user and a leaked credential dies with its ttl.
 */
export interface TurnCredentials {
  username: string;
  credential: string;
  /** Unix time (seconds) after which the TURN server refuses them. */
  expiresAt: number;
}

export function turnRestCredentials(options: {
  secret: string;
  userId: string;
  ttlSeconds: number;
  nowSeconds: number;
}): TurnCredentials {
  if (!options.secret) throw new Error('TURN credentials need a shared secret');
  if (options.userId.includes(':')) throw new Error('a TURN REST user id must not contain ":"');
  const expiresAt = Math.floor(options.nowSeconds) + options.ttlSeconds;
  const username = `${expiresAt}:${options.userId}`;
  return { username, credential: turnRestPassword(options.secret, username), expiresAt };
}

/** base64(HMAC-SHA1(secret, username)): coturn's password for a TURN REST username. */
export function turnRestPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}
