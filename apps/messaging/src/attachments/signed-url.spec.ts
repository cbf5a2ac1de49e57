import { describe, expect, it } from 'vitest';
import { checkAttachmentSignature, signAttachmentPath } from './signed-url.js';

const key = new Uint8Array(32).fill(7);
const target = {
  attachmentId: '0b9a4a7e-7c1e-4a55-9d55-2b1c1a1a1a1a',
  variant: 'original' as const,
  expires: 1000,
};

function sigOf(path: string): string {
  return new URL(path, 'http://x').searchParams.get('sig')!;
}

describe('signed attachment URLs', () => {
  it('a URL is valid until it expires, then expired', () => {
    const sig = sigOf(signAttachmentPath(key, target));
    expect(checkAttachmentSignature(key, target, sig, 1000)).toBe('valid');
    expect(checkAttachmentSignature(key, target, sig, 1001)).toBe('expired');
  });

  it('any change to the id, variant, expiry, signature or key makes it invalid', () => {
    const sig = sigOf(signAttachmentPath(key, target));
    expect(checkAttachmentSignature(key, { ...target, expires: 5000 }, sig, 0)).toBe('invalid');
    expect(checkAttachmentSignature(key, { ...target, variant: 'thumbnail' }, sig, 0)).toBe('invalid');
    expect(
      checkAttachmentSignature(
        key,
        { ...target, attachmentId: target.attachmentId.replace('0b', '0c') },
        sig,
        0,
      ),
    ).toBe('invalid');
    expect(checkAttachmentSignature(new Uint8Array(32), target, sig, 0)).toBe('invalid');
    expect(checkAttachmentSignature(key, target, `${sig}A`, 0)).toBe('invalid');
    expect(checkAttachmentSignature(key, target, '', 0)).toBe('invalid');
    // The last character carries spare bits: a different spelling of the same bytes is not accepted.
    const last = sig.at(-1)!;
    const sibling = String.fromCharCode(last.charCodeAt(0) ^ 1);
    expect(checkAttachmentSignature(key, target, sig.slice(0, -1) + sibling, 0)).toBe('invalid');
  });

  it('a forged expiry reads as invalid, not expired', () => {
    const sig = sigOf(signAttachmentPath(key, target));
    expect(checkAttachmentSignature(key, { ...target, expires: 1 }, sig, 500)).toBe('invalid');
  });
});
