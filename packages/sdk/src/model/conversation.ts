import type {
  Conversation as ConversationData,
  ConversationType,
  CustomData,
  Message as MessageData,
  MessagePartInput,
  Participant,
  RetransmitResponse,
} from '@parley/protocol';
import type { OutgoingMessage } from '../outbox/send-queue.js';
import { Message, type CachedMessage } from './message.js';

/** What a Conversation needs from its Messenger to act on the server. */
export interface ConversationBackend {
  readonly userId: string;
  sendMessage(
    conversation: Conversation,
    parts: MessagePartInput[],
    clientMessageId: string,
  ): Promise<Message>;
  editMessage(conversation: Conversation, messageId: string, parts: MessagePartInput[]): Promise<void>;
  removeMessage(conversation: Conversation, messageId: string): Promise<void>;
  outgoingMessages(conversation: Conversation): readonly OutgoingMessage[];
  retrySend(clientMessageId: string): boolean;
  discardSend(clientMessageId: string): boolean;
  markAsRead(conversation: Conversation, seq: number): Promise<void>;
  typing(conversation: Conversation, active: boolean): void;
  loadOlder(conversation: Conversation, limit: number): Promise<number>;
  retransmitEvents(conversation: Conversation, fromSeq: number, toSeq: number): Promise<RetransmitResponse>;
  update(
    conversation: Conversation,
    patch: { title?: string | null; customData?: CustomData },
  ): Promise<void>;
  addParticipants(conversation: Conversation, userIds: string[]): Promise<void>;
  removeParticipant(conversation: Conversation, userId: string): Promise<void>;
}

/** Plain data a Conversation is cached as, with the seq this device has applied and recent messages. */
export interface CachedConversation {
  conversation: ConversationData;
  appliedSeq: number;
  lastReadSeq: number;
  unreadCount: number;
  hasOlder: boolean;
  messages: CachedMessage[];
}

/** How many recent messages a conversation keeps in the cache. */
export const CACHED_MESSAGES_PER_CONVERSATION = 200;

export function textParts(input: string | MessagePartInput[]): MessagePartInput[] {
  return typeof input === 'string' ? [{ mimeType: 'text/plain', body: input }] : input;
}

let clientIdCounter = 0;
export function newClientMessageId(): string {
  clientIdCounter += 1;
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `c-${random}-${clientIdCounter}`;
}

export class Conversation {
  private readonly byId = new Map<string, Message>();
  /** This user's messages by their clientMessageId: a resent message is recognised when it arrives. */
  private readonly ownByClientId = new Map<string, Message>();
  private ordered: Message[] | undefined;
  /** Whether older messages than the loaded ones exist on the server. */
  hasOlder = true;

  constructor(
    private data: ConversationData,
    private readonly backend: ConversationBackend,
    public lastReadSeq = 0,
    public unreadCount = 0,
  ) {}

  get id(): string {
    return this.data.id;
  }
  get type(): ConversationType {
    return this.data.type;
  }
  get title(): string | null {
    return this.data.title;
  }
  get customData(): CustomData {
    return this.data.customData;
  }
  get distinct(): boolean {
    return this.data.distinct;
  }
  get createdBy(): string {
    return this.data.createdBy;
  }
  get participants(): readonly Participant[] {
    return this.data.participants;
  }
  get lastSeq(): number {
    return this.data.lastSeq;
  }
  get updatedAt(): string {
    return this.data.updatedAt;
  }

  /** The newest visible message, or null. */
  get lastMessage(): Message | null {
    const list = this.messages();
    for (let i = list.length - 1; i >= 0; i--) if (!list[i]!.removedAt) return list[i]!;
    return null;
  }

  /** Loaded messages, oldest first. */
  messages(): Message[] {
    this.ordered ??= [...this.byId.values()].sort((a, b) => a.seq - b.seq);
    return this.ordered;
  }

  message(id: string): Message | undefined {
    return this.byId.get(id);
  }

  /**
   * Messages this user sent that the server has not confirmed yet, oldest first: show them after the loaded
   * messages, as pending ('pending' | 'sending') or, once the outbox gave up, as failed with a retry action.
   */
  outgoingMessages(): readonly OutgoingMessage[] {
    return this.backend.outgoingMessages(this).filter((m) => !this.ownByClientId.has(m.clientMessageId));
  }
  /** Sends a failed message again, with its own clientMessageId. */
  retrySend(clientMessageId: string): boolean {
    return this.backend.retrySend(clientMessageId);
  }
  /** Drops a failed (or not yet attempted) message from the outbox. */
  discardSend(clientMessageId: string): boolean {
    return this.backend.discardSend(clientMessageId);
  }

  /**
   * Queues a message in the outbox and resolves once the server stored it. It shows at once in
   * `outgoingMessages()`; it goes out after this conversation's earlier sends, is retried with the same
   * clientMessageId through disconnects, and rejects only when the outbox gives up on it.
   */
  sendMessage(
    content: string | MessagePartInput[],
    options: { clientMessageId?: string } = {},
  ): Promise<Message> {
    return this.backend.sendMessage(
      this,
      textParts(content),
      options.clientMessageId ?? newClientMessageId(),
    );
  }
  editMessage(messageId: string, content: string | MessagePartInput[]): Promise<void> {
    return this.backend.editMessage(this, messageId, textParts(content));
  }
  removeMessage(messageId: string): Promise<void> {
    return this.backend.removeMessage(this, messageId);
  }
  /** Marks everything up to `seq` (default: all) as read, on every device of this user. */
  markAsRead(seq: number = this.lastSeq): Promise<void> {
    return this.backend.markAsRead(this, seq);
  }
  typing(active = true): void {
    this.backend.typing(this, active);
  }
  /** Loads the page of messages before the oldest loaded one; returns how many arrived. */
  loadOlder(limit = 50): Promise<number> {
    return this.backend.loadOlder(this, limit);
  }
  retransmitEvents(fromSeq: number, toSeq: number): Promise<RetransmitResponse> {
    return this.backend.retransmitEvents(this, fromSeq, toSeq);
  }
  update(patch: { title?: string | null; customData?: CustomData }): Promise<void> {
    return this.backend.update(this, patch);
  }
  addParticipants(userIds: string[]): Promise<void> {
    return this.backend.addParticipants(this, userIds);
  }
  removeParticipant(userId: string): Promise<void> {
    return this.backend.removeParticipant(this, userId);
  }

  toCache(appliedSeq: number): CachedConversation {
    return {
      conversation: structuredClone(this.data),
      appliedSeq,
      lastReadSeq: this.lastReadSeq,
      unreadCount: this.unreadCount,
      hasOlder: this.hasOlder || this.byId.size > CACHED_MESSAGES_PER_CONVERSATION,
      messages: this.messages()
        .slice(-CACHED_MESSAGES_PER_CONVERSATION)
        .map((m) => m.toCache()),
    };
  }

  // ---- internal state changes, applied by the Messenger in seq order ----

  /** @internal */
  setData(patch: Partial<ConversationData>): void {
    this.data = { ...this.data, ...patch };
  }

  /** @internal */
  upsertMessage(data: MessageData): Message {
    const existing = this.byId.get(data.id);
    if (existing) {
      existing.apply(data);
      return existing;
    }
    const message = new Message(data);
    this.byId.set(data.id, message);
    if (data.senderId === this.backend.userId) this.ownByClientId.set(data.clientMessageId, message);
    this.ordered = undefined;
    return message;
  }

  /** @internal */
  hasMessage(id: string): boolean {
    return this.byId.has(id);
  }

  /** @internal Unread messages from others among the loaded ones, after `seq`. */
  countLoadedUnread(afterSeq: number, upToSeq = Number.MAX_SAFE_INTEGER): number {
    let n = 0;
    for (const m of this.byId.values()) {
      if (m.seq > afterSeq && m.seq <= upToSeq && m.senderId !== this.backend.userId && !m.removedAt) n += 1;
    }
    return n;
  }

  /** @internal Drops loaded messages (after a reset the local copy is not continuous any more). */
  clearMessages(): void {
    this.byId.clear();
    this.ownByClientId.clear();
    this.ordered = undefined;
    this.hasOlder = true;
  }
}
