import { createHash, randomBytes } from 'node:crypto';

/** 256 bits: comfortably beyond guessing for refresh tokens and client secrets. */
const DEFAULT_TOKEN_BYTES = 32;
/** Below 128 bits a token could become guessable, so smaller requests are refused. */
const MIN_TOKEN_BYTES = 16;

/** A random, URL-safe opaque token (refresh tokens, client secrets). */
export function generateOpaqueToken(bytes: number = DEFAULT_TOKEN_BYTES): string {
  if (!Number.isInteger(bytes) || bytes < MIN_TOKEN_BYTES) {
    throw new RangeError(
      `generateOpaqueToken needs an integer of at least ${MIN_TOKEN_BYTES} bytes, got ${bytes}`,
    );
  }
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 digest in base64url. Opaque tokens are high-entropy, so a fast hash is enough to store
 * them without keeping the usable value in the database, and it stays indexable for lookup.
 */
export function sha256Base64Url(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64url');
}
