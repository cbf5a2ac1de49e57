import type { ServerFrame } from '@parley/protocol';
import type { ManagedSocket, PreparedTextFrame } from '@parley/service-kit';

/** One connected device: its socket, whose it is, and the timer that ends it when its token expires. */
export class DeviceSession {
  expiryTimer: NodeJS.Timeout | undefined;
  unsubscribe: (() => Promise<void>) | undefined;
  closed = false;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly socket: ManagedSocket,
    public tokenExpiresAt: number,
    readonly kind: 'user' | 'client' = 'user',
  ) {}

  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /**
   * Frames from Redis are already serialised; forwarding them as-is avoids a parse per device, and a frame
   * fanned out to many devices is framed once and the same bytes written to each. A device that stopped
   * reading is disconnected by the socket's bound and repairs by seq when it reconnects.
   */
  sendRaw(data: string | PreparedTextFrame): void {
    this.socket.send(data);
  }
}
