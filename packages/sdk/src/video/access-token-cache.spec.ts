import { describe, expect, it } from 'vitest';
import type { ProviderAccessToken } from '@parley/protocol';
import { AccessTokenCache, renewalDueAt } from './access-token-cache.js';

const t0 = Date.parse('2026-11-28T10:00:00.000Z');
const tokenFor = (lifetimeSeconds: number, at = t0, n = 1): ProviderAccessToken => ({
  provider: 'parley',
  identity: 'ann',
  token: `token-${n}`,
  expires_at: Math.floor(at / 1000) + lifetimeSeconds,
});

/** A fake clock and a token endpoint that counts its calls and can be held open. */
function harness(lifetimeSeconds: number) {
  let now = t0;
  let calls = 0;
  let release: (() => void) | undefined;
  let hold = false;
  const cache = new AccessTokenCache(
    async () => {
      calls += 1;
      if (hold) await new Promise<void>((r) => (release = r));
      return tokenFor(lifetimeSeconds, now, calls);
    },
    () => now,
  );
  return {
    cache,
    calls: () => calls,
    advance: (ms: number) => void (now += ms),
    holdRequests: () => void (hold = true),
    releaseRequest: () => {
      hold = false;
      release?.();
    },
  };
}

describe('renewalDueAt', () => {
  it('renews an hour-long token at 80 % of its lifetime (48 min)', () => {
    expect(renewalDueAt(tokenFor(3600), t0) - t0).toBe(48 * 60_000);
  });
  it('renews a two-minute token 60 s before it expires', () => {
    expect(renewalDueAt(tokenFor(120), t0) - t0).toBe(60_000);
  });
  it('renews a 30 s token at half its lifetime, not on every use', () => {
    expect(renewalDueAt(tokenFor(30), t0) - t0).toBe(15_000);
  });
  it('a token that arrives expired (a skewed clock) is due at once', () => {
    expect(renewalDueAt(tokenFor(-5), t0)).toBe(t0);
  });
});

describe('AccessTokenCache', () => {
  it('hands out the cached token until its renewal is due, then asks for a new one', async () => {
    const h = harness(600); // renewed at 480 s
    expect((await h.cache.get('parley')).token).toBe('token-1');
    h.advance(479_000);
    expect((await h.cache.get('parley')).token).toBe('token-1');
    expect(h.calls()).toBe(1);
    h.advance(1_000);
    const renewed = await h.cache.get('parley');
    expect(renewed.token).toBe('token-2');
    expect(renewed.expires_at * 1000).toBeGreaterThan(t0 + 600_000); // still valid long after the first expired
    expect(h.calls()).toBe(2);
  });

  it('callers asking at the same time share one request', async () => {
    const h = harness(600);
    h.holdRequests();
    const asked = [h.cache.get('parley'), h.cache.get('parley'), h.cache.get('parley')];
    h.releaseRequest();
    const tokens = await Promise.all(asked);
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['token-1']));
    expect(h.calls()).toBe(1);
  });

  it('keeps one token per provider', async () => {
    const h = harness(600);
    await h.cache.get('parley');
    await h.cache.get('twilio');
    await h.cache.get('parley');
    expect(h.calls()).toBe(2);
  });

  it('does not keep a failed request: the next caller asks again', async () => {
    let calls = 0;
    const cache = new AccessTokenCache(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('gateway down');
        return tokenFor(600);
      },
      () => t0,
    );
    await expect(cache.get('parley')).rejects.toThrow('gateway down');
    expect((await cache.get('parley')).token).toBe('token-1');
    expect(calls).toBe(2);
  });
});
