import type { WebSocket } from 'ws';
import type { ServerFrame } from '@parley/protocol';

/** One connected device: its socket, whose it is, and the timers that end it. */
export class DeviceSession {
  alive = true;
  expiryTimer: NodeJS.Timeout | undefined;
  unsubscribe: (() => Promise<void>) | undefined;
  closed = false;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly socket: WebSocket,
    public tokenExpiresAt: number,
  ) {}

  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /** Frames from Redis are already serialised; forwarding them as-is avoids a parse per device. */
  sendRaw(data: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(data);
  }
}
