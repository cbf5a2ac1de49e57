import { afterEach, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import type { ParleyApiError } from '../http/api-error.js';
import { RealtimeConnection, type ConnectionState, type WebSocketLike } from './realtime-connection.js';

const ID = '6f1f7f0e-5b1a-4f7e-9c1a-000000000001';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(): void {}
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(data: unknown): void {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }
}

const running: RealtimeConnection[] = [];
afterEach(() => running.splice(0).forEach((c) => c.stop()));

function connect() {
  const socket = new FakeSocket();
  const frames: ServerFrame[] = [];
  const invalid: ParleyApiError[] = [];
  const states: ConnectionState[] = [];
  const connection = new RealtimeConnection({
    url: 'ws://parley.test/v1/realtime',
    createWebSocket: () => socket,
    accessToken: () => 'a1',
    accessTokenExpiresAt: () => Date.now() / 1000 + 3600,
    refreshToken: async () => undefined,
    onFrame: (f) => frames.push(f),
    onInvalidFrame: (e) => invalid.push(e),
    onStateChange: (s) => states.push(s),
  });
  running.push(connection);
  connection.start();
  socket.open();
  return { socket, frames, invalid, states };
}

describe('RealtimeConnection', () => {
  it('passes on frames that match the protocol, parsed, and is online on ready', () => {
    const { socket, frames, invalid, states } = connect();
    socket.receive({ type: 'ready', sessionId: 's1', userId: ID, tokenExpiresAt: 2_000_000_000, extra: 1 });
    socket.receive({ type: 'typing', conversationId: ID, userId: ID, active: true });
    expect(frames).toEqual([
      { type: 'ready', sessionId: 's1', userId: ID, tokenExpiresAt: 2_000_000_000 },
      { type: 'typing', conversationId: ID, userId: ID, active: true },
    ]);
    expect(invalid).toEqual([]);
    expect(states.at(-1)).toBe('online');
  });

  it('ignores a frame that does not match and reports it as bad_frame', () => {
    const { socket, frames, invalid } = connect();
    socket.receive({ type: 'event', event: { type: 'message.sent', seq: 'seven' } });
    socket.receive({ type: 'subscribed' });
    expect(frames).toEqual([]);
    expect(invalid.map((e) => [e.status, e.code])).toEqual([
      [502, 'bad_frame'],
      [502, 'bad_frame'],
    ]);
    expect(invalid[0]!.message).toContain('type event');
    expect(invalid[0]!.issues.length).toBeGreaterThan(0);
  });

  it('ignores a frame that is not JSON, and keeps receiving', () => {
    const { socket, frames, invalid } = connect();
    socket.receive('{"type": "pong"');
    socket.receive({ type: 'pong' });
    expect(invalid.map((e) => e.issues)).toEqual([[{ path: '', message: 'not JSON' }]]);
    expect(frames).toEqual([{ type: 'pong' }]);
  });
});
