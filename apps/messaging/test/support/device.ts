import type { ConversationEvent, ServerFrame } from '@parley/protocol';
import WebSocket from 'ws';

/** A connected device for tests: records every frame and waits for the ones a test expects. */
export class TestDevice {
  readonly frames: ServerFrame[] = [];
  closeCode: number | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as ServerFrame);
      this.notify();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.notify();
    });
  }

  /** Opens the socket and resolves once the server says `ready`. */
  static async connect(baseUrl: string, token: string): Promise<TestDevice> {
    const socket = new WebSocket(
      `${baseUrl.replace(/^http/, 'ws')}/v1/realtime?access_token=${encodeURIComponent(token)}`,
    );
    const device = new TestDevice(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
    });
    await device.waitFor((f) => f.type === 'ready');
    return device;
  }

  events() {
    return this.frames.flatMap((f) => (f.type === 'event' ? [f.event] : []));
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (received so far or later) that matches; narrows to the frame type the predicate names. */
  waitFor<F extends ServerFrame>(predicate: (f: ServerFrame) => f is F, timeoutMs?: number): Promise<F>;
  waitFor(predicate: (f: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>;
  async waitFor(predicate: (f: ServerFrame) => boolean, timeoutMs = 10_000): Promise<ServerFrame> {
    return this.waitUntil(() => this.frames.find(predicate), timeoutMs);
  }

  /** The first conversation event (received so far or later) that matches. */
  async waitForEvent(
    predicate: (e: ConversationEvent) => boolean,
    timeoutMs = 10_000,
  ): Promise<ConversationEvent> {
    return this.waitUntil(() => this.events().find(predicate), timeoutMs);
  }

  async waitForEvents(count: number, timeoutMs = 10_000) {
    await this.waitUntil(() => (this.events().length >= count ? true : undefined), timeoutMs);
    return this.events();
  }

  async waitForClose(timeoutMs = 10_000): Promise<number> {
    return this.waitUntil(() => this.closeCode, timeoutMs);
  }

  close(): void {
    this.socket.close();
  }

  private waitUntil<T>(check: () => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value !== undefined) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== attempt);
          resolve(value);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== attempt);
        reject(new Error(`timed out; frames so far: ${JSON.stringify(this.frames).slice(0, 800)}`));
      }, timeoutMs);
      if (!attempt()) this.waiters.push(attempt);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
