import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret } from './delivery-rules.js';
import { SecretBox, SecretBoxError } from './secret-box.js';

describe('webhook secrets at rest', () => {
  const box = new SecretBox(randomBytes(32));
  const endpointId = randomUUID();
  const secret = newWebhookSecret();

  it('are sealed with a key and open again for the same endpoint', () => {
    const sealed = box.seal(secret, endpointId);
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain(secret.slice('whsec_'.length, 20));
    expect(box.seal(secret, endpointId)).not.toBe(sealed);
    expect(box.open(sealed, endpointId)).toBe(secret);
  });

  it('do not open for another endpoint, with another key or when tampered with', () => {
    const sealed = box.seal(secret, endpointId);
    expect(() => box.open(sealed, randomUUID())).toThrow(SecretBoxError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, endpointId)).toThrow(SecretBoxError);
    const [v, iv, tag, data] = sealed.split(':');
    const flipped = Buffer.from(data!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64')].join(':'), endpointId)).toThrow(
      SecretBoxError,
    );
    expect(() => box.open('garbage', endpointId)).toThrow(SecretBoxError);
  });

  it('without a key are kept as they are; a sealed one then cannot be opened', () => {
    const plain = new SecretBox(null);
    expect(plain.seal(secret, endpointId)).toBe(secret);
    expect(plain.open(secret, endpointId)).toBe(secret);
    expect(box.open(secret, endpointId)).toBe(secret);
    expect(() => plain.open(box.seal(secret, endpointId), endpointId)).toThrow(/no key is configured/);
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(SecretBoxError);
  });
});
