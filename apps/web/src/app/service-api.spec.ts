import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Messenger } from '@parley/sdk';
import { ServiceApi, ServiceApiError, type AnswerSchema } from './service-api';

/** Accepts only `{"ok": true}`, as a protocol schema would accept its own shape. */
const Answer: AnswerSchema<{ ok: true }> = {
  safeParse: (v) =>
    typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === true
      ? { success: true, data: { ok: true } }
      : { success: false },
};

function messengerWithTokens(...tokens: string[]) {
  const session = { tokens: { access_token: tokens[0]! } };
  let renewals = 0;
  const messenger = {
    session,
    // Any authenticated SDK call renews an expired token: the next one takes its place.
    getUser: async () => {
      renewals += 1;
      session.tokens.access_token = tokens[Math.min(renewals, tokens.length - 1)]!;
      return {};
    },
  } as unknown as Messenger;
  return { messenger, renewals: () => renewals };
}

afterEach(() => vi.unstubAllGlobals());

describe('ServiceApi', () => {
  it('retries a 401 once with the renewed token, and sends JSON bodies', async () => {
    const seen: Array<{ auth: string | null; type: string | null; body: unknown }> = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      seen.push({ auth: headers.get('authorization'), type: headers.get('content-type'), body: init.body });
      const fresh = headers.get('authorization') === 'Bearer fresh';
      return new Response(JSON.stringify(fresh ? { ok: true } : { message: 'expired' }), {
        status: fresh ? 200 : 401,
      });
    });
    const { messenger, renewals } = messengerWithTokens('stale', 'fresh');
    const api = new ServiceApi('http://s', messenger, 'test service');
    await expect(api.request('PUT', '/v1/x', Answer, { a: 1 })).resolves.toEqual({ ok: true });
    expect(renewals()).toBe(1);
    expect(seen.map((s) => s.auth)).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(seen[1]).toMatchObject({ type: 'application/json', body: '{"a":1}' });
  });

  it('names the service when it cannot be reached, and the problem when the answer is not what it should be', async () => {
    const { messenger } = messengerWithTokens('t');
    const api = new ServiceApi('http://s', messenger, 'test service');
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    await expect(api.request('GET', '/v1/x', Answer)).rejects.toEqual(
      new ServiceApiError(0, "Can't reach the test service"),
    );
    vi.stubGlobal('fetch', async () => new Response('<html>', { status: 200 }));
    await expect(api.request('GET', '/v1/x', Answer)).rejects.toThrow('not JSON');
    vi.stubGlobal('fetch', async () => new Response('{"ok":false}', { status: 200 }));
    await expect(api.request('GET', '/v1/x', Answer)).rejects.toThrow('Unexpected answer from /v1/x');
    vi.stubGlobal('fetch', async () => new Response('{"message":"no such call"}', { status: 404 }));
    await expect(api.request('GET', '/v1/x', Answer)).rejects.toEqual(
      new ServiceApiError(404, 'no such call'),
    );
  });
});
