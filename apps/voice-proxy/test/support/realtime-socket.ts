import { ServerFrame, type VoiceSignal, type VoiceSignalKind } from '@parley/protocol';
import { eventually } from '@parley/testing';
import WebSocket from 'ws';

/** A device of a user on messaging's WebSocket, keeping every frame it receives (raw and parsed). */
export class RealtimeSocket {
  /** Every text frame as received, for checks on what a party could ever have seen. */
  readonly rawFrames: string[] = [];
  readonly signals: VoiceSignal[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      this.rawFrames.push(text);
      const frame = ServerFrame.safeParse(JSON.parse(text));
      if (frame.success && frame.data.type === 'voice') this.signals.push(frame.data.signal);
    });
  }

  /** Opens the socket and resolves once messaging said `ready` (signals sent from then on arrive). */
  static async open(messagingUrl: string, token: string): Promise<RealtimeSocket> {
    const ws = new WebSocket(`${messagingUrl.replace(/^http/, 'ws')}/v1/realtime?access_token=${token}`);
    const socket = new RealtimeSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`socket closed (${code}) before ready`)));
      ws.on('message', (data: WebSocket.RawData) => {
        if (String(data).includes('"type":"ready"')) resolve();
      });
    });
    return socket;
  }

  /** The first signal of `kind` on `callId` (waits for it). */
  next(kind: VoiceSignalKind, callId: string, timeoutMs = 10_000): Promise<VoiceSignal> {
    return eventually(
      () => this.signals.find((s) => s.kind === kind && s.call_id === callId),
      `a ${kind} signal on ${callId}`,
      timeoutMs,
    );
  }

  /** Kinds received on `callId`, in order. */
  kinds(callId: string): VoiceSignalKind[] {
    return this.signals.filter((s) => s.call_id === callId).map((s) => s.kind);
  }

  close(): void {
    this.ws.close();
  }
}
