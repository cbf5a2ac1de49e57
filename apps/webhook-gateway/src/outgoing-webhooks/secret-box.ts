import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const SEALED = /^v1:([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

export class SecretBoxError extends Error {}

/**
 * Keeps endpoints' signing secrets encrypted at rest (AES-256-GCM, the endpoint id as associated data, so a
 * sealed secret copied to another endpoint's row does not open). Signing needs the secret itself, so it
 * cannot be hashed. Without a key the secrets are kept as they are (`whsec_…`), and a row written that way
 * still opens after a key is configured.
 */
export class SecretBox {
  constructor(private readonly key: Buffer | null) {
    if (key && key.length !== 32) throw new SecretBoxError('the key must be 32 bytes');
  }

  get encrypts(): boolean {
    return this.key !== null;
  }

  seal(secret: string, endpointId: string): string {
    if (!this.key) return secret;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(endpointId));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `v1:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${sealed.toString('base64')}`;
  }

  open(stored: string, endpointId: string): string {
    if (stored.startsWith('whsec_')) return stored;
    const parts = SEALED.exec(stored);
    if (!parts) throw new SecretBoxError('not a stored webhook secret');
    if (!this.key) throw new SecretBoxError('the secret is encrypted and no key is configured');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(parts[1]!, 'base64'));
      decipher.setAAD(Buffer.from(endpointId));
      decipher.setAuthTag(Buffer.from(parts[2]!, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretBoxError('the secret does not open with the configured key');
    }
  }
}
