import type { RealtimeFanout } from '@parley/event-bus';
import { WebTerminalMessage } from '@parley/protocol';
import type { TerminalRef } from '../calls/call-record.js';

/**
 * What one core node asks of another through Redis pub/sub. Inside a node the messages stay decoded;
 * only what crosses to another node is written as canonical JSON, here.
 */
export type NodeMessage =
  | { kind: 'deliver'; terminalId: string; message: WebTerminalMessage }
  | { kind: 'input'; terminal: TerminalRef; callId: string; message: WebTerminalMessage }
  | { kind: 'gone'; terminal: TerminalRef; callId: string }
  | { kind: 'release'; terminalId: string; callId: string };

type WireMessage =
  | (Omit<Extract<NodeMessage, { kind: 'deliver' }>, 'message'> & { message: unknown })
  | (Omit<Extract<NodeMessage, { kind: 'input' }>, 'message'> & { message: unknown })
  | Extract<NodeMessage, { kind: 'gone' | 'release' }>;

function toWire(message: NodeMessage): WireMessage {
  if (message.kind === 'deliver' || message.kind === 'input')
    return { ...message, message: WebTerminalMessage.toJSON(message.message) };
  return message;
}

function fromWire(wire: WireMessage): NodeMessage {
  if (wire.kind === 'deliver' || wire.kind === 'input')
    return { ...wire, message: WebTerminalMessage.fromJSON(wire.message) };
  return wire;
}

const DIRECTORY_CHANNEL = 'tc:directory';

export class NodeBus {
  private unsubscribe: (() => Promise<void>) | undefined;
  private unsubscribeDirectory: (() => Promise<void>) | undefined;

  constructor(
    private readonly fanout: RealtimeFanout,
    readonly nodeId: string,
  ) {}

  private channel(node: string): string {
    return `tc:node:${node}`;
  }

  /** Only the nodes of this deployment publish on a node's channel. */
  async listen(handler: (message: NodeMessage) => void): Promise<void> {
    this.unsubscribe = await this.fanout.subscribe(this.channel(this.nodeId), (raw) =>
      handler(fromWire(JSON.parse(raw) as WireMessage)),
    );
  }

  async send(node: string, message: NodeMessage): Promise<void> {
    await this.fanout.publish(this.channel(node), JSON.stringify(toWire(message)));
  }

  /** Every node (this one included) hears which msisdn's terminals changed, to drop what it cached. */
  async listenForDirectoryChanges(handler: (msisdn: string) => void): Promise<void> {
    this.unsubscribeDirectory = await this.fanout.subscribe(DIRECTORY_CHANNEL, handler);
  }

  async announceDirectoryChange(msisdn: string): Promise<void> {
    await this.fanout.publish(DIRECTORY_CHANNEL, msisdn);
  }

  async close(): Promise<void> {
    await Promise.all([this.unsubscribe?.(), this.unsubscribeDirectory?.()]);
  }
}
