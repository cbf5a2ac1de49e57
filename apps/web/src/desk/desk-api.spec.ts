import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Messenger } from '@parley/sdk';
import { ServiceApiError } from '../app/service-api';
import { DeskApi } from './desk-api';

const messenger = {
  session: { tokens: { access_token: 'operator-token' } },
  getUser: async () => ({}),
} as unknown as Messenger;

const item = {
  conversationId: '0b6f7a52-6f1e-4e47-9a0c-2c1f3d4e5a61',
  guestId: '5b3f0c2e-8a41-4c1e-9d7a-3f1f2b6c9e01',
  state: 'assigned',
  operatorId: '7c2d9e10-1b2c-4d3e-8f4a-5b6c7d8e9f00',
  assignment: 1,
  queuedAt: '2026-01-01T00:00:00.000Z',
};

function answer(status: number, body: unknown) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status });
  });
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe('DeskApi', () => {
  it('reads the queue with the user token', async () => {
    const calls = answer(200, { waiting: [], mine: [item] });
    const queue = await new DeskApi('http://m', messenger).queue();
    expect(queue?.mine.map((c) => c.state)).toEqual(['assigned']);
    expect(calls[0]!.url).toBe('http://m/v1/desk/queue');
    expect(new Headers(calls[0]!.init.headers).get('authorization')).toBe('Bearer operator-token');
  });

  it('says "not an operator" (null) when the queue answers 403', async () => {
    answer(403, { message: 'not an operator' });
    expect(await new DeskApi('http://m', messenger).queue()).toBeNull();
  });

  it('reports why an accept was refused', async () => {
    answer(409, { message: 'assigned to another operator' });
    await expect(new DeskApi('http://m', messenger).accept(item.conversationId)).rejects.toEqual(
      new ServiceApiError(409, 'assigned to another operator'),
    );
  });

  it('rejects an answer that is not a desk conversation', async () => {
    answer(200, { conversationId: 'nope' });
    await expect(new DeskApi('http://m', messenger).accept(item.conversationId)).rejects.toThrow(
      'Unexpected answer',
    );
  });
});
