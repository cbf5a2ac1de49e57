import WebSocket from 'ws';
import { eventually } from '@parley/testing';
import type { RunningTerminalCore } from './core-under-test.js';

/** A canonical-JSON frame as the bridge sends it (proto3 JSON: default values are left out). */
export type JsonFrame = Record<string, unknown>;

const isJsonFrame = (value: unknown): value is JsonFrame =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A browser-style terminal on the WebSocket bridge: canonical JSON frames. */
export class WsTerminal {
  readonly frames: JsonFrame[] = [];
  /** The close code once the socket closed. */
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const frame: unknown = JSON.parse(d.toString());
      this.frames.push(isJsonFrame(frame) ? frame : { notAnObject: frame });
    });
    ws.on('close', (code) => (this.closeCode = code));
  }

  /** Opens a bridge terminal: the bridge registers it before the socket opens. */
  static async open(
    node: RunningTerminalCore,
    token: string,
    track: (t: { close(): void }) => void,
    mode = 'multi',
  ): Promise<WsTerminal> {
    const ws = new WebSocket(
      `${node.httpUrl.replace('http', 'ws')}/v1/terminal?access_token=${token}&mode=${mode}`,
    );
    const t = new WsTerminal(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_q, res) => reject(new Error(`refused ${res.statusCode}`)));
    });
    track({ close: () => ws.close() });
    return t;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Takes the first frame carrying `key` (and callId, when given), waiting for it if need be. */
  async next(key: string, callId?: string, timeoutMs = 10_000): Promise<JsonFrame> {
    const match = (f: JsonFrame) => key in f && (callId === undefined || f.callId === callId);
    const frame = await eventually(
      () => this.frames.find(match),
      `${key} on the bridge; frames: ${JSON.stringify(this.frames).slice(0, 2000)}`,
      timeoutMs,
    );
    this.frames.splice(this.frames.indexOf(frame), 1);
    return frame;
  }
}

/** The HTTP status an upgrade to `url` gets: 101 when a socket opens. */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => undefined);
  });
}
