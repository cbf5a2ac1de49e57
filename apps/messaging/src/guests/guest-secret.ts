import { timingSafeEqual } from 'node:crypto';
import { generateOpaqueToken, sha256Base64Url } from '@parley/auth';

/**
 * A guest's secret is 256 random bits, so a fast hash is enough to keep it out of the database
 * (nothing to brute-force, unlike a password).
 */
export function newGuestSecret(): { secret: string; hash: string } {
  const secret = generateOpaqueToken(32);
  return { secret, hash: sha256Base64Url(secret) };
}

export function guestSecretMatches(secret: string, hash: string): boolean {
  const candidate = Buffer.from(sha256Base64Url(secret));
  const stored = Buffer.from(hash);
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}

/** "Visitor 7F3A": four characters that tell visitors apart in an operator's list. */
export function visitorDisplayName(userId: string): string {
  return `Visitor ${userId.replace(/-/g, '').slice(-4).toUpperCase()}`;
}

/** The origin allowed for a site: exact match on scheme, host and port, case-insensitive. */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return false;
  return allowed.includes(origin.toLowerCase());
}
