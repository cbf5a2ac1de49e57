import { ServerFrame, type VoiceSignal, type VoiceSignalKind } from '@parley/protocol';
import WebSocket from 'ws';
import { eventually } from './eventually.js';

/** A user's device on messaging's WebSocket, keeping every frame it receives (raw, and the voice signals). */
export interface MessagingDevice {
  /** Every text frame as received, for checks on what a user could ever have seen. */
  readonly rawFrames: string[];
  /** The voice signals among them, in arrival order. */
  readonly signals: VoiceSignal[];
  /** The first signal of `kind` on `callId` (received so far or later). */
  next(kind: VoiceSignalKind, callId: string, timeoutMs?: number): Promise<VoiceSignal>;
  /** The kinds received on `callId`, in order. */
  kinds(callId: string): VoiceSignalKind[];
  close(): void;
}

/** Opens a device with the user's access token; resolves once messaging said `ready` (signals sent from then on arrive). */
export async function connectMessagingDevice(messagingUrl: string, token: string): Promise<MessagingDevice> {
  const ws = new WebSocket(
    `${messagingUrl.replace(/^http/, 'ws')}/v1/realtime?access_token=${encodeURIComponent(token)}`,
  );
  const rawFrames: string[] = [];
  const signals: VoiceSignal[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`socket closed (${code}) before ready`)));
    ws.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      rawFrames.push(text);
      if (text.includes('"type":"ready"')) resolve();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return; // kept raw: a test may look for what is not JSON
      }
      const frame = ServerFrame.safeParse(parsed);
      if (frame.success && frame.data.type === 'voice') signals.push(frame.data.signal);
    });
  });
  await ready;
  return {
    rawFrames,
    signals,
    next: (kind, callId, timeoutMs = 10_000) =>
      eventually(
        () => signals.find((s) => s.kind === kind && s.call_id === callId),
        `a ${kind} signal on ${callId}`,
        timeoutMs,
      ),
    kinds: (callId) => signals.filter((s) => s.call_id === callId).map((s) => s.kind),
    close: () => ws.close(),
  };
}
