import type { RealtimeFanout } from '@parley/event-bus';
import type { TerminalRef } from '../calls/call-record.js';

/** What one core node asks of another through Redis pub/sub. Messages travel as canonical JSON. */
export type NodeMessage =
  | { kind: 'deliver'; terminalId: string; message: unknown }
  | { kind: 'input'; terminal: TerminalRef; callId: string; message: unknown }
  | { kind: 'gone'; terminal: TerminalRef; callId: string }
  | { kind: 'release'; terminalId: string; callId: string };

export class NodeBus {
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly fanout: RealtimeFanout,
    readonly nodeId: string,
  ) {}

  private channel(node: string): string {
    return `tc:node:${node}`;
  }

  async listen(handler: (message: NodeMessage) => void): Promise<void> {
    this.unsubscribe = await this.fanout.subscribe(this.channel(this.nodeId), (raw) =>
      handler(JSON.parse(raw) as NodeMessage),
    );
  }

  async send(node: string, message: NodeMessage): Promise<void> {
    await this.fanout.publish(this.channel(node), JSON.stringify(message));
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
  }
}
