import { ServerFrame, type VoiceSignal } from '@parley/protocol';
import WebSocket from 'ws';

/** A callee's device on messaging's WebSocket, keeping the voice signals it receives. */
export class CalleeDevice {
  readonly signals: VoiceSignal[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const frame = ServerFrame.safeParse(JSON.parse(data.toString()));
      if (frame.success && frame.data.type === 'voice') this.signals.push(frame.data.signal);
    });
  }

  /** Resolves once messaging said `ready`: signals sent from then on arrive. */
  static async open(messagingUrl: string, token: string): Promise<CalleeDevice> {
    const ws = new WebSocket(`${messagingUrl.replace(/^http/, 'ws')}/v1/realtime?access_token=${token}`);
    const device = new CalleeDevice(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`socket closed (${code}) before ready`)));
      ws.on('message', (data: WebSocket.RawData) => {
        if (String(data).includes('"type":"ready"')) resolve();
      });
    });
    return device;
  }

  /** The `start` signals of one invite (its call_id is the invite id). */
  invitesOf(inviteId: string): VoiceSignal[] {
    return this.signals.filter((s) => s.kind === 'start' && s.call_id === inviteId);
  }

  close(): void {
    this.ws.close();
  }
}
