import { describe, expect, it } from 'vitest';
import type { GuestResume } from '@parley/protocol';
import { GuestSessionError, requestGuestSession, type ResumeStore } from './guest-session.js';

const guestId = '5b3f0c2e-8a41-4c1e-9d7a-3f1f2b6c9e01';
const guest = {
  id: guestId,
  username: 'guest.ab12',
  displayName: 'Visitor AB12',
  msisdn: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const tokens = {
  access_token: 'guest-token',
  token_type: 'Bearer',
  expires_in: 3600,
  expires_at: 2_000_000_000,
  scope: 'messages.read messages.write',
};

function memoryStore(initial?: GuestResume): ResumeStore & { value: GuestResume | undefined } {
  return {
    value: initial,
    load() {
      return this.value;
    },
    save(resume) {
      this.value = resume;
    },
    clear() {
      this.value = undefined;
    },
  };
}

/** A fake `POST /v1/guests/widget` answering from a list, recording the bodies it got. */
function fakeFetch(answers: Array<{ status: number; body?: unknown }>) {
  const bodies: unknown[] = [];
  const fetch = async (_url: string, init: RequestInit) => {
    bodies.push(JSON.parse(String(init.body)));
    const answer = answers.shift()!;
    return new Response(JSON.stringify(answer.body ?? {}), { status: answer.status });
  };
  return { fetch, bodies };
}

describe('requestGuestSession', () => {
  it('makes a new guest and stores its id and secret', async () => {
    const store = memoryStore();
    const { fetch, bodies } = fakeFetch([{ status: 200, body: { guest, tokens, guestSecret: 's3cret' } }]);
    const session = await requestGuestSession({ messagingUrl: 'http://m', siteKey: 'k', store, fetch });
    expect(session.user.id).toBe(guestId);
    expect(session.tokens.access_token).toBe('guest-token');
    expect(bodies).toEqual([{ siteKey: 'k' }]);
    expect(store.value).toEqual({ guestId, guestSecret: 's3cret' });
  });

  it('resumes the stored guest and keeps its secret', async () => {
    const store = memoryStore({ guestId, guestSecret: 's3cret' });
    const { fetch, bodies } = fakeFetch([{ status: 200, body: { guest, tokens } }]);
    await requestGuestSession({ messagingUrl: 'http://m', siteKey: 'k', store, fetch });
    expect(bodies).toEqual([{ siteKey: 'k', resume: { guestId, guestSecret: 's3cret' } }]);
    expect(store.value).toEqual({ guestId, guestSecret: 's3cret' });
  });

  it('forgets a stored guest the server refuses and starts a new one', async () => {
    const store = memoryStore({ guestId, guestSecret: 'stale' });
    const { fetch } = fakeFetch([
      { status: 403 },
      { status: 200, body: { guest, tokens, guestSecret: 'fresh' } },
    ]);
    await requestGuestSession({ messagingUrl: 'http://m', siteKey: 'k', store, fetch });
    expect(store.value).toEqual({ guestId, guestSecret: 'fresh' });
  });

  it('fails with the status when the site key or origin is refused, storing nothing', async () => {
    const store = memoryStore();
    const { fetch } = fakeFetch([{ status: 403 }]);
    await expect(
      requestGuestSession({ messagingUrl: 'http://m', siteKey: 'bad', store, fetch }),
    ).rejects.toEqual(new GuestSessionError(403));
    expect(store.value).toBeUndefined();
  });

  it('keeps the stored guest when the service is only briefly failing', async () => {
    const store = memoryStore({ guestId, guestSecret: 's3cret' });
    const { fetch } = fakeFetch([{ status: 503 }]);
    await expect(
      requestGuestSession({ messagingUrl: 'http://m', siteKey: 'k', store, fetch }),
    ).rejects.toThrow('503');
    expect(store.value).toEqual({ guestId, guestSecret: 's3cret' });
  });
});
