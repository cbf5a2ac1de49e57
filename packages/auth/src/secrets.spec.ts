import { describe, expect, it } from 'vitest';
import { generateOpaqueToken, sha256Base64Url } from './opaque-tokens.js';
import { hashSecret, verifySecret } from './secrets.js';

describe('hashSecret / verifySecret', () => {
  it('accepts the right secret and rejects a wrong one', async () => {
    const hash = await hashSecret('correct horse battery staple');
    expect(await verifySecret('correct horse battery staple', hash)).toBe(true);
    expect(await verifySecret('correct horse battery stapler', hash)).toBe(false);
    expect(await verifySecret('', hash)).toBe(false);
  });

  it('produces a self-describing string with a random salt', async () => {
    const first = await hashSecret('s3cret');
    const second = await hashSecret('s3cret');
    expect(first).toMatch(/^\$scrypt\$ln=\d+,r=\d+,p=\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('s3cret');
    expect(await verifySecret('s3cret', second)).toBe(true);
  });

  it('verifies hashes made with other parameters, as read from the string', async () => {
    const hash = await hashSecret('rotate-me');
    const cheaper = hash.replace(/ln=\d+,r=\d+,p=\d+/, 'ln=10,r=8,p=1');
    // Same salt and digest but different cost parameters must not match...
    expect(await verifySecret('rotate-me', cheaper)).toBe(false);
    // ...and the original still does, proving parameters are taken from the string.
    expect(await verifySecret('rotate-me', hash)).toBe(true);
  });

  it('returns false for malformed or hostile hash strings instead of throwing', async () => {
    const valid = await hashSecret('x');
    for (const broken of [
      '',
      'plain-text',
      valid.replace('$scrypt$', '$bcrypt$'),
      valid.replace(/ln=\d+/, 'ln=40'),
      valid.replace(/p=\d+/, 'p=0'),
      `${valid}$extra`,
      valid.replace(/\$[^$]+$/, '$not base64!'),
    ]) {
      expect(await verifySecret('x', broken)).toBe(false);
    }
  });
});

describe('opaque tokens', () => {
  it('generates distinct base64url tokens of the requested entropy', () => {
    const token = generateOpaqueToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(Buffer.from(generateOpaqueToken(48), 'base64url')).toHaveLength(48);
    expect(generateOpaqueToken()).not.toBe(token);
  });

  it('refuses guessably short tokens', () => {
    expect(() => generateOpaqueToken(8)).toThrow(RangeError);
    expect(() => generateOpaqueToken(20.5)).toThrow(RangeError);
  });

  it('hashes deterministically with SHA-256 in base64url', () => {
    // Known vector: SHA-256("abc").
    expect(sha256Base64Url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(sha256Base64Url('abc')).not.toBe(sha256Base64Url('abd'));
  });
});
