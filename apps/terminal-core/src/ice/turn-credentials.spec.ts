import { describe, expect, it } from 'vitest';
import { defineConfig } from '@parley/service-kit';
import { iceSection } from './ice-config.js';
import { iceServersFor } from './ice-servers.js';
import { turnRestCredentials, turnRestPassword } from './turn-credentials.js';

// Expected passwords computed independently with OpenSSL, the way coturn's documentation derives them:
//   echo -n "$username" | openssl dgst -sha1 -hmac "$secret" -binary | base64
describe('TURN REST credentials (coturn use-auth-secret)', () => {
  it('the password is base64(HMAC-SHA1(secret, username))', () => {
    expect(turnRestPassword('secret', '1433895918:user')).toBe('duY86vsmGEXM+Ma7pGS//SXJIv0=');
  });

  it('the username is "<expiry unix time>:<user id>", the expiry now + ttl', () => {
    const turn = turnRestCredentials({
      secret: 'north-wind-turn-secret',
      userId: '3f0c1a2e-7d1b-4b8e-9a55-0c9e1f2d3b4a',
      ttlSeconds: 3600,
      nowSeconds: 1_700_000_000.9,
    });
    expect(turn).toEqual({
      username: '1700003600:3f0c1a2e-7d1b-4b8e-9a55-0c9e1f2d3b4a',
      credential: 'VUBjRbUQujY9oOx9TRn8rbdPMcQ=',
      expiresAt: 1_700_003_600,
    });
  });

  it('refuses an empty secret and a user id with ":" (coturn splits the username at the first ":")', () => {
    expect(() => turnRestCredentials({ secret: '', userId: 'u', ttlSeconds: 60, nowSeconds: 0 })).toThrow(
      /secret/,
    );
    expect(() => turnRestCredentials({ secret: 's', userId: 'a:b', ttlSeconds: 60, nowSeconds: 0 })).toThrow(
      /":"/,
    );
  });
});

/** The section parsed the way the core's config parses it (defineConfig), errors naming the variable. */
const load = (env: Record<string, string>) =>
  defineConfig('terminal-core', { ice: iceSection() }).load(env).ice;

describe('ICE configuration and the servers a user gets', () => {
  it('STUN as configured, TURN with fresh credentials, static servers verbatim', () => {
    const config = load({
      STUN_URLS: 'stun:stun.example.com:3478',
      TURN_URLS: 'turn:turn.example.com:3478?transport=udp, turns:turn.example.com:5349?transport=tcp',
      TURN_SECRET: 'a-long-enough-shared-secret',
      TURN_TTL_SECONDS: '600',
      ICE_SERVERS: '[{"urls":"turn:fixed.example.com","username":"u","credential":"p"}]',
    });
    const now = Date.parse('2026-11-28T10:00:00Z');
    const answer = iceServersFor(config, 'user-1', now);
    const expiry = now / 1000 + 600;
    expect(answer).toEqual({
      iceServers: [
        { urls: ['stun:stun.example.com:3478'] },
        {
          urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'],
          username: `${expiry}:user-1`,
          credential: turnRestPassword('a-long-enough-shared-secret', `${expiry}:user-1`),
        },
        { urls: ['turn:fixed.example.com'], username: 'u', credential: 'p' },
      ],
      ttlSeconds: 600,
      expiresAt: '2026-11-28T10:10:00.000Z',
    });
  });

  it('nothing configured: no servers (host candidates only) and no expiry', () => {
    expect(iceServersFor(load({}), 'u', 0)).toEqual({ iceServers: [], ttlSeconds: null, expiresAt: null });
  });

  it('TURN_URLS without TURN_SECRET stops the core naming TURN_SECRET', () => {
    expect(() => load({ TURN_URLS: 'turn:turn.example.com' })).toThrow(/TURN_SECRET/);
  });

  it.each([
    [{ STUN_URLS: 'http://stun.example.com' }, /STUN_URLS/],
    [{ STUN_URLS: 'turn:wrong-kind.example.com' }, /STUN_URLS/],
    [{ TURN_URLS: 'stun:x.example.com', TURN_SECRET: 'a-long-enough-shared-secret' }, /TURN_URLS/],
    [{ TURN_SECRET: 'short' }, /16 characters/],
    [{ TURN_TTL_SECONDS: '5' }, /60/],
    [{ ICE_SERVERS: 'not json' }, /JSON array/],
    [{ ICE_SERVERS: '[{"urls":"ftp://x"}]' }, /RTCIceServer/],
  ])('refuses %o', (env, message) => {
    expect(() => load(env as Record<string, string>)).toThrow(message);
  });
});
