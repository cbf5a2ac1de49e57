import { describe, expect, it } from 'vitest';
import { acceptedSecretHashes, type ClientSecretState } from './client-secrets.js';

const now = new Date('2026-01-01T12:00:00Z');
const fresh: ClientSecretState = {
  secret_hash: 'current',
  previous_secret_hash: null,
  previous_secret_expires_at: null,
  revoked_at: null,
};

describe('acceptedSecretHashes', () => {
  it('accepts only the current secret of a client never rotated', () => {
    expect(acceptedSecretHashes(fresh, now)).toEqual(['current']);
  });

  it('accepts the replaced secret too while the rotation overlap lasts', () => {
    const rotated = {
      ...fresh,
      previous_secret_hash: 'old',
      previous_secret_expires_at: new Date(now.getTime() + 1),
    };
    expect(acceptedSecretHashes(rotated, now)).toEqual(['current', 'old']);
  });

  it('refuses the replaced secret from the moment the overlap ends', () => {
    const rotated = { ...fresh, previous_secret_hash: 'old', previous_secret_expires_at: now };
    expect(acceptedSecretHashes(rotated, now)).toEqual(['current']);
  });

  it('accepts no secret at all of a revoked client', () => {
    const revoked = {
      ...fresh,
      previous_secret_hash: 'old',
      previous_secret_expires_at: new Date(now.getTime() + 60_000),
      revoked_at: now,
    };
    expect(acceptedSecretHashes(revoked, now)).toEqual([]);
  });
});
