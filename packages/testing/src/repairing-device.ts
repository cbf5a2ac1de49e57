import { setTimeout as delay } from 'node:timers/promises';
import { RetransmitResponse, ServerFrame, type ConversationEvent } from '@parley/protocol';
import WebSocket from 'ws';

export interface RepairingDeviceOptions {
  /**
   * The messaging nodes the device may use: it starts on the first and, when its socket drops, moves on to
   * the next that accepts it, as a client behind a load balancer would.
   */
  urls: string[];
  token: string;
  /** Each event the first time the device has it: pushed live, or fetched by seq to fill a gap. */
  onEvent?: (event: ConversationEvent, how: 'live' | 'repaired', receivedAt: number) => void;
}

/**
 * A user's device that keeps every conversation's events complete by seq, the way the SDK does: a live event
 * whose seq skips ahead, and every reconnect, make it fetch the missing range with retransmitEvents
 * (`GET /v1/conversations/:id/events?fromSeq=`). Reconnects go to the next node of `urls`.
 */
export class RepairingDevice {
  /** Times the socket dropped and the device connected again. */
  reconnects = 0;
  /** Events that arrived by repair rather than live. */
  repairedEvents = 0;
  /** For each reconnect: milliseconds from the drop until the device was connected and repaired again. */
  readonly recoveryMs: number[] = [];
  private readonly seqs = new Map<string, Set<number>>();
  /** Per conversation, the highest seq up to which nothing is missing. */
  private readonly complete = new Map<string, number>();
  private readonly repairs = new Map<string, Promise<void>>();
  private urlIndex = 0;
  private socket: WebSocket | undefined;
  private recovering: Promise<void> | undefined;
  private closed = false;

  private constructor(private readonly options: RepairingDeviceOptions) {}

  /** Connects to the first URL; resolves once messaging said `ready`. */
  static async connect(options: RepairingDeviceOptions): Promise<RepairingDevice> {
    if (options.urls.length === 0) throw new Error('a device needs at least one messaging URL');
    const device = new RepairingDevice(options);
    await device.open();
    return device;
  }

  /** The node the device is connected to (or trying to reach). */
  get url(): string {
    return this.options.urls[this.urlIndex]!;
  }

  /** Whether a reconnect is under way. */
  get isRecovering(): boolean {
    return this.recovering !== undefined;
  }

  /** Makes the device keep `conversationId` complete from seq 1, before any event of it arrived. */
  track(conversationId: string): void {
    if (!this.seqs.has(conversationId)) {
      this.seqs.set(conversationId, new Set());
      this.complete.set(conversationId, 0);
    }
  }

  /** The seqs of the conversation the device has. */
  seqsOf(conversationId: string): number[] {
    return [...(this.seqs.get(conversationId) ?? [])].sort((a, b) => a - b);
  }

  /** The seqs among 1..lastSeq the device lacks. */
  missing(conversationId: string, lastSeq: number): number[] {
    const have = this.seqs.get(conversationId) ?? new Set<number>();
    const out: number[] = [];
    for (let seq = 1; seq <= lastSeq; seq++) if (!have.has(seq)) out.push(seq);
    return out;
  }

  /** Fetches whatever every tracked conversation lacks after its last complete seq. */
  async repairAll(): Promise<void> {
    await Promise.all([...this.seqs.keys()].map((id) => this.repair(id)));
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private open(): Promise<void> {
    const url = `${this.url.replace(/^http/, 'ws')}/v1/realtime?access_token=${encodeURIComponent(this.options.token)}`;
    const socket = new WebSocket(url, { perMessageDeflate: false });
    this.socket = socket;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      socket.on('message', (data: WebSocket.RawData) => {
        const receivedAt = Date.now();
        const frame = ServerFrame.safeParse(JSON.parse(data.toString()));
        if (!frame.success) return;
        if (frame.data.type === 'ready' && !ready) {
          ready = true;
          resolve();
        } else if (frame.data.type === 'event') this.record(frame.data.event, 'live', receivedAt);
      });
      socket.once('error', (err) => {
        if (!ready) reject(err);
      });
      socket.once('unexpected-response', (_req, res) => {
        if (!ready) reject(new Error(`upgrade refused: HTTP ${res.statusCode}`));
      });
      socket.once('close', (code) => {
        if (!ready) reject(new Error(`socket closed (${code}) before ready`));
        else if (!this.closed && this.socket === socket) this.recovering ??= this.recover(Date.now());
      });
    });
  }

  private async recover(droppedAt: number): Promise<void> {
    this.reconnects += 1;
    for (let attempt = 0; !this.closed; attempt++) {
      this.urlIndex = (this.urlIndex + 1) % this.options.urls.length;
      try {
        await this.open();
        break;
      } catch {
        // A client's back-off between attempts, not a test waiting for something.
        await delay(Math.min(1000, 25 * 2 ** attempt));
      }
    }
    await this.repairAll();
    this.recoveryMs.push(Date.now() - droppedAt);
    this.recovering = undefined;
  }

  private record(event: ConversationEvent, how: 'live' | 'repaired', receivedAt: number): void {
    this.track(event.conversationId);
    const have = this.seqs.get(event.conversationId)!;
    if (have.has(event.seq)) return;
    have.add(event.seq);
    if (how === 'repaired') this.repairedEvents += 1;
    this.options.onEvent?.(event, how, receivedAt);
    let complete = this.complete.get(event.conversationId)!;
    while (have.has(complete + 1)) complete += 1;
    this.complete.set(event.conversationId, complete);
    if (how === 'live' && event.seq > complete + 1) void this.repair(event.conversationId);
  }

  /** One repair per conversation at a time; a failed fetch (the node just died) waits for the reconnect. */
  private repair(conversationId: string): Promise<void> {
    const previous = this.repairs.get(conversationId) ?? Promise.resolve();
    const next = previous.then(() => this.fetchMissing(conversationId)).catch(() => undefined);
    this.repairs.set(conversationId, next);
    return next;
  }

  private async fetchMissing(conversationId: string): Promise<void> {
    let fromSeq: number | null = (this.complete.get(conversationId) ?? 0) + 1;
    while (fromSeq !== null && !this.closed) {
      const res = await fetch(`${this.url}/v1/conversations/${conversationId}/events?fromSeq=${fromSeq}`, {
        headers: { authorization: `Bearer ${this.options.token}` },
      });
      if (!res.ok) throw new Error(`retransmit of ${conversationId} from ${fromSeq}: HTTP ${res.status}`);
      const page = RetransmitResponse.parse(await res.json());
      const receivedAt = Date.now();
      for (const event of page.events) this.record(event, 'repaired', receivedAt);
      fromSeq = page.nextFromSeq;
    }
  }
}
