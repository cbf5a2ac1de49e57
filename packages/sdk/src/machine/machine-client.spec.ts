import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TokenResponse } from '@parley/protocol';
import type { FetchLike } from '../http/api-client.js';
import type { ParleyApiError } from '../http/api-error.js';
import type { WebSocketLike } from '../realtime/realtime-connection.js';
import { MachineClient } from './machine-client.js';

const CID = '6f1f7f0e-5b1a-4f7e-9c1a-000000000001';
const ANN = '6f1f7f0e-5b1a-4f7e-9c1a-0000000000aa';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: unknown[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string): void {
    const frame = JSON.parse(data) as { type: string };
    this.sent.push(frame);
    // A live server answers every ping; without it the connection would drop the socket as dead.
    if (frame.type === 'ping') queueMicrotask(() => this.receive({ type: 'pong' }));
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A token endpoint that issues c1, c2, … (each valid for two minutes), or answers what `refuse` says. */
function tokenEndpoint() {
  const requests: unknown[] = [];
  let refuse: Response | undefined;
  const fetch: FetchLike = async (_input, init) => {
    requests.push(JSON.parse(String(init?.body)));
    if (refuse) return refuse;
    const tokens: TokenResponse = {
      access_token: `c${requests.length}`,
      token_type: 'Bearer',
      expires_in: 120,
      expires_at: Math.floor(Date.now() / 1000) + 120,
      scope: 'voice.proxy',
    };
    return json(200, tokens);
  };
  return { fetch, requests, refuseWith: (res: Response) => (refuse = res) };
}

const clients: MachineClient[] = [];
afterEach(() => {
  clients.splice(0).forEach((c) => c.close());
  vi.useRealTimers();
});

async function connect(fetch: FetchLike) {
  const socket = new FakeSocket();
  const urls: string[] = [];
  const client = await MachineClient.connect({
    baseUrl: 'http://parley.test/',
    clientId: 'proxy',
    clientSecret: 'proxy-secret',
    fetch,
    createWebSocket: (url) => {
      urls.push(url);
      return socket;
    },
  });
  clients.push(client);
  socket.open();
  socket.receive({
    type: 'ready',
    sessionId: 's1',
    userId: 'proxy',
    tokenExpiresAt: Math.floor(Date.now() / 1000) + 120,
  });
  await client.ready();
  return { client, socket, urls };
}

describe('MachineClient', () => {
  it('opens the realtime socket with its client-credentials token', async () => {
    const endpoint = tokenEndpoint();
    const { client, urls } = await connect(endpoint.fetch);
    expect(endpoint.requests).toEqual([
      { grant_type: 'client_credentials', client_id: 'proxy', client_secret: 'proxy-secret' },
    ]);
    expect(urls).toEqual(['ws://parley.test/v1/realtime?access_token=c1']);
    expect(client.state).toBe('online');
    expect(client.scopes).toEqual(['voice.proxy']);
  });

  it('passes the voice signals addressed to it to its voice handlers', async () => {
    const { client, socket } = await connect(tokenEndpoint().fetch);
    const starts: unknown[][] = [];
    client
      .voice()
      .onStart((iss, cid, callId, peerInfo, data) => void starts.push([iss, cid, callId, peerInfo, data]));
    socket.receive({
      type: 'voice',
      signal: {
        id: '6f1f7f0e-5b1a-4f7e-9c1a-000000000101',
        kind: 'start',
        iss: ANN,
        issKind: 'user',
        to: 'proxy',
        toKind: 'client',
        cid: CID,
        call_id: 'call-1',
        peer_info: 'v=0',
        sentAt: '2026-11-28T10:00:00.000Z',
      },
    });
    expect(starts).toEqual([[ANN, CID, 'call-1', 'v=0', undefined]]);
  });

  it('asks for a new token before the current one expires and hands it to the open socket', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const endpoint = tokenEndpoint();
    const { socket } = await connect(endpoint.fetch);
    await vi.advanceTimersByTimeAsync(61_000);
    await vi.waitFor(() => expect(socket.sent).toContainEqual({ type: 'authenticate', accessToken: 'c2' }));
    expect(endpoint.requests).toHaveLength(2);
    expect(endpoint.requests[1]).toMatchObject({ grant_type: 'client_credentials', client_id: 'proxy' });
  });

  it('stops and says so when the server no longer accepts its credentials', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const endpoint = tokenEndpoint();
    const { client } = await connect(endpoint.fetch);
    const refused: ParleyApiError[] = [];
    client.on('credentialsRefused', (err) => refused.push(err));
    endpoint.refuseWith(
      json(401, {
        statusCode: 401,
        error: 'Unauthorized',
        message: 'unknown client or wrong secret',
        code: 'invalid_client',
      }),
    );
    await vi.advanceTimersByTimeAsync(61_000);
    await vi.waitFor(() => expect(refused.map((e) => e.code)).toEqual(['invalid_client']));
    expect(client.state).toBe('closed');
  });
});
