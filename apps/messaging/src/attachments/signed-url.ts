import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AttachmentVariant } from '@parley/protocol';

export interface SignedTarget {
  attachmentId: string;
  variant: AttachmentVariant;
  /** Unix seconds after which the URL no longer works. */
  expires: number;
}

function signatureOf(key: Uint8Array, t: SignedTarget): Buffer {
  return createHmac('sha256', key).update(`attachment:${t.attachmentId}:${t.variant}:${t.expires}`).digest();
}

/** The path and query of a download URL for one variant of an attachment, valid until `expires`. */
export function signAttachmentPath(key: Uint8Array, t: SignedTarget): string {
  const sig = signatureOf(key, t).toString('base64url');
  const query = new URLSearchParams({ variant: t.variant, expires: String(t.expires), sig });
  return `/v1/attachments/${t.attachmentId}/content?${query.toString()}`;
}

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

/** Checks a URL's signature before its expiry, so a forged expiry reads as invalid, not as expired. */
export function checkAttachmentSignature(
  key: Uint8Array,
  t: SignedTarget,
  sig: string,
  nowSeconds: number,
): SignatureCheck {
  const expected = signatureOf(key, t);
  const given = Buffer.from(sig, 'base64url');
  // Decoding skips stray characters and ignores spare bits: only the one canonical spelling counts.
  if (given.toString('base64url') !== sig) return 'invalid';
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return nowSeconds > t.expires ? 'expired' : 'valid';
}
