import type { Message as MessageData, MessagePart } from '@parley/protocol';

/** Plain data a Message is cached as; `createMessageFromCache` turns it back into a Message. */
export type CachedMessage = MessageData;

export class Message {
  constructor(private data: MessageData) {}

  get id(): string {
    return this.data.id;
  }
  get conversationId(): string {
    return this.data.conversationId;
  }
  get seq(): number {
    return this.data.seq;
  }
  get senderId(): string {
    return this.data.senderId;
  }
  get clientMessageId(): string {
    return this.data.clientMessageId;
  }
  get parts(): readonly MessagePart[] {
    return this.data.parts;
  }
  get createdAt(): string {
    return this.data.createdAt;
  }
  get editedAt(): string | null {
    return this.data.editedAt;
  }
  get removedAt(): string | null {
    return this.data.removedAt;
  }

  /** The text of the message: its text/plain parts joined. */
  get text(): string {
    return this.data.parts
      .filter((p) => p.mimeType.startsWith('text/plain') && p.body !== undefined)
      .map((p) => p.body)
      .join('\n');
  }

  /** Internal: applies an edit or removal event. */
  apply(patch: Partial<MessageData>): void {
    this.data = { ...this.data, ...patch };
  }

  toCache(): CachedMessage {
    return structuredClone(this.data);
  }

  toJSON(): MessageData {
    return this.data;
  }
}
