import { credentials, Metadata, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { WebTerminalMessage } from '@parley/protocol';
import { WebTerminalServiceClient } from '@parley/protocol/grpc';

/** What a terminal message carries: offer, answer, ringing, bye, error, … */
export type TerminalKind = NonNullable<WebTerminalMessage['message']>['$case'];

/** A terminal on a real gRPC stream: records what the core sends and waits for what a test expects. */
export class GrpcTerminal {
  readonly received: WebTerminalMessage[] = [];
  error: ServiceError | undefined;
  ended = false;
  private waiters: Array<() => void> = [];

  private constructor(
    readonly stream: ClientDuplexStream<WebTerminalMessage, WebTerminalMessage>,
    readonly client: WebTerminalServiceClient,
  ) {
    stream.on('data', (m: WebTerminalMessage) => {
      this.received.push(m);
      this.notify();
    });
    stream.on('error', (err: ServiceError) => {
      this.error = err;
      this.notify();
    });
    stream.on('end', () => {
      this.ended = true;
      this.notify();
    });
  }

  static open(port: number, token: string | undefined, mode: 'pipe' | 'multi' = 'multi'): GrpcTerminal {
    const client = new WebTerminalServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
    const metadata = new Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    const stream = mode === 'pipe' ? client.pipe(metadata) : client.multiPipe(metadata);
    return new GrpcTerminal(stream, client);
  }

  send(message: WebTerminalMessage): void {
    this.stream.write(message);
  }

  offer(callId: string, to: string, sdp = 'v=0 offer'): void {
    this.send({ callId, message: { $case: 'offer', value: { sdp, msisdn: { e164: to } } } });
  }
  answer(callId: string, sdp = 'v=0 answer'): void {
    this.send({ callId, message: { $case: 'answer', value: { sdp } } });
  }
  ringing(callId: string): void {
    this.send({ callId, message: { $case: 'ringing', value: {} } });
  }
  bye(callId: string, reason = ''): void {
    this.send({ callId, message: { $case: 'bye', value: { reason } } });
  }
  toPhone(callId: string): void {
    this.send({ callId, message: { $case: 'action', value: { message: { $case: 'toPhone', value: {} } } } });
  }

  kinds(): string[] {
    return this.received.map((m) => m.message?.$case ?? 'none');
  }

  /** Takes the first received message of `kind` (and callId, when given), waiting for it if need be. */
  async next(kind: TerminalKind, callId?: string, timeoutMs = 10_000): Promise<WebTerminalMessage> {
    return this.nextOf([kind], callId, timeoutMs);
  }

  /** Takes the first received message of any of `kinds` (and callId, when given). */
  async nextOf(kinds: TerminalKind[], callId?: string, timeoutMs = 10_000): Promise<WebTerminalMessage> {
    const found = await this.waitFor(
      (m) => {
        const kind = m.message?.$case;
        return kind !== undefined && kinds.includes(kind) && (callId === undefined || m.callId === callId);
      },
      `${kinds.join(' or ')}${callId ? ` for ${callId}` : ''}`,
      timeoutMs,
    );
    this.received.splice(this.received.indexOf(found), 1);
    return found;
  }

  /** The first received message that matches (left in `received`), waiting for it if need be. */
  waitFor(
    predicate: (m: WebTerminalMessage) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<WebTerminalMessage> {
    return this.waitUntil(() => this.received.find(predicate), timeoutMs, what);
  }

  async waitForError(timeoutMs = 10_000): Promise<ServiceError> {
    return this.waitUntil(() => this.error, timeoutMs, 'a stream error');
  }

  close(): void {
    this.stream.end();
    this.client.close();
  }

  /** Drops the connection without a goodbye, as a crashed app or a lost network would. */
  cancel(): void {
    this.stream.cancel();
    this.client.close();
  }

  private waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const v = check();
        if (v === undefined) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== attempt);
        resolve(v);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== attempt);
        reject(
          new Error(
            `timed out waiting for ${what}; received ${JSON.stringify(this.received.map((m) => WebTerminalMessage.toJSON(m)))}${this.error ? `; error ${this.error.message}` : ''}`,
          ),
        );
      }, timeoutMs);
      if (!attempt()) this.waiters.push(attempt);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
