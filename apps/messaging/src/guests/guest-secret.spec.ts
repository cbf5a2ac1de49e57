import { describe, expect, it } from 'vitest';
import { guestSecretMatches, newGuestSecret, originAllowed, visitorDisplayName } from './guest-secret.js';

describe('guest secrets and origins', () => {
  it('matches only the secret it was made from', () => {
    const { secret, hash } = newGuestSecret();
    expect(guestSecretMatches(secret, hash)).toBe(true);
    expect(guestSecretMatches(`${secret}x`, hash)).toBe(false);
    expect(guestSecretMatches('', hash)).toBe(false);
  });

  it('allows an origin only when listed exactly (scheme, host and port)', () => {
    const allowed = ['https://shop.example', 'http://localhost:5173'];
    expect(originAllowed('https://shop.example', allowed)).toBe(true);
    expect(originAllowed('HTTPS://SHOP.EXAMPLE', allowed)).toBe(true);
    expect(originAllowed('http://shop.example', allowed)).toBe(false);
    expect(originAllowed('https://shop.example:8443', allowed)).toBe(false);
    expect(originAllowed('https://evil.example', allowed)).toBe(false);
    expect(originAllowed(undefined, allowed)).toBe(false);
  });

  it('names a visitor with four characters of their id', () => {
    expect(visitorDisplayName('0b7e2a1c-4d5e-4f60-8a9b-1c2d3e4f7f3a')).toBe('Visitor 7F3A');
  });
});
