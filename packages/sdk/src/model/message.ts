import type { Message as MessageData, MessagePart } from '@parley/protocol';
import { deepFreeze } from './freeze.js';

/** Plain data a Message is cached as; `createMessageFromCache` turns it back into a Message. */
export type CachedMessage = MessageData;

/** A message as plain, frozen data: what a conversation snapshot lists. A new object after every change. */
export interface MessageSnapshot extends Readonly<Omit<MessageData, 'parts'>> {
  readonly parts: readonly Readonly<MessagePart>[];
}

/** The text of a message: its text/plain parts joined. */
export function messageText(message: { readonly parts: readonly Readonly<MessagePart>[] }): string {
  return message.parts
    .filter((p) => p.mimeType.startsWith('text/plain') && p.body !== undefined)
    .map((p) => p.body)
    .join('\n');
}

/** A loaded message. It stays the same object while it is edited or removed; `toJSON()` is its current data. */
export class Message {
  private constructor(private data: MessageSnapshot) {}

  /** @internal A message holding `data`, which is frozen in place (pass a copy of data the caller keeps). */
  static fromData(data: MessageSnapshot): Message {
    return new Message(deepFreeze(data));
  }

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
  get parts(): readonly Readonly<MessagePart>[] {
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
  /** The message this one replies to, and what its quote shows (null when it is not a reply). */
  get replyTo(): string | null {
    return this.data.replyTo ?? null;
  }
  get replyPreview(): MessageSnapshot['replyPreview'] {
    return this.data.replyPreview ?? null;
  }
  /** The participants this message mentions. */
  get mentions(): readonly string[] {
    return this.data.mentions ?? [];
  }
  /** Emoji reactions and who gave them (`reactionSummaries` counts them for display). */
  get reactions(): NonNullable<MessageSnapshot['reactions']> {
    return this.data.reactions ?? [];
  }

  /** The text of the message: its text/plain parts joined. */
  get text(): string {
    return messageText(this.data);
  }

  /** @internal Takes the message's new data (an edit or a removal), frozen in place. */
  replaceData(data: MessageSnapshot): void {
    this.data = deepFreeze(data);
  }

  toCache(): CachedMessage {
    return { ...this.data, parts: this.data.parts.map((p) => ({ ...p })) };
  }

  /** The current data, frozen: the same object until the message changes. */
  toJSON(): MessageSnapshot {
    return this.data;
  }
}
