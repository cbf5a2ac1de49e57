import type {
  CallMedia,
  Conversation as ConversationData,
  ConversationSettings,
  ConversationType,
  CustomData,
  MessagePart,
  MessagePartInput,
  MessageReactions,
  Participant,
  ProviderCall,
  ProviderName,
  RetransmitResponse,
} from '@parley/protocol';
import type { AttachmentClient } from '../attachments/attachment-client.js';
import type { AttachmentInput } from '../attachments/attachment-input.js';
import { attachmentMessageParts, type SendAttachmentOptions } from '../attachments/send-attachment.js';
import { normalizeEmoji } from '@parley/protocol';
import { CallLink } from '../calls/call-link.js';
import { TypedEmitter } from '../events.js';
import type { GatewayClient } from '../gateway/gateway-client.js';
import type { OutgoingMessage } from '../outbox/send-queue.js';
import {
  readStateAfterSync,
  type ConversationEffect,
  type ConversationState,
  type LoadedMessages,
  type ReadSummary,
} from '../sync/conversation-reducer.js';
import { deepFreeze } from './freeze.js';
import { Message, type CachedMessage, type MessageSnapshot } from './message.js';

/** What a Conversation needs from its Messenger to act on the server. */
export interface ConversationBackend {
  readonly userId: string;
  readonly attachments: AttachmentClient;
  /** The webhook gateway (provider calls); without `gatewayUrl` its calls reject. */
  readonly gateway: GatewayClient;
  startCall(
    conversation: Conversation,
    options: { provider?: ProviderName; media?: CallMedia },
  ): Promise<ProviderCall>;
  sendMessage(
    conversation: Conversation,
    parts: MessagePartInput[],
    clientMessageId: string,
    extras?: { replyTo?: string; mentions?: string[] },
  ): Promise<Message>;
  react(
    conversation: Conversation,
    messageId: string,
    emoji: string,
    add: boolean,
  ): Promise<MessageReactions>;
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
  updateSettings(conversation: Conversation, patch: Partial<ConversationSettings>): Promise<void>;
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
  /** This user's pinned / muted setting (absent in caches written before settings existed). */
  settings?: ConversationSettings;
}

/**
 * A conversation as plain, frozen data, for rendering. `conversation.snapshot()` returns the same object
 * until something in it changes, so it can be compared by identity (React's `useSyncExternalStore`, memo).
 * Unchanged parts (participants, each message, the message list) keep their identity across snapshots.
 */
export interface ConversationSnapshot {
  readonly id: string;
  readonly type: ConversationType;
  readonly title: string | null;
  readonly customData: Readonly<CustomData>;
  readonly distinct: boolean;
  readonly createdBy: string;
  readonly createdAt: string;
  /** When the last event happened. */
  readonly updatedAt: string;
  readonly participants: readonly Readonly<Participant>[];
  /** The seq of the conversation's newest event. */
  readonly lastSeq: number;
  /** This user's read mark (one per user, shared by their devices). */
  readonly lastReadSeq: number;
  /** Messages from others after `lastReadSeq` that are not removed. */
  readonly unreadCount: number;
  /** Whether older messages than the loaded ones exist on the server (`loadOlder` fetches them). */
  readonly hasOlder: boolean;
  /** The loaded messages, oldest first; removed ones stay as tombstones (`removedAt` set, no parts). */
  readonly messages: readonly MessageSnapshot[];
  /** The newest message that is not removed, or null. */
  readonly lastMessage: MessageSnapshot | null;
  /** Sent from this device but not stored by the server yet, oldest first (see `outgoingMessages()`). */
  readonly outgoingMessages: readonly Readonly<OutgoingMessage>[];
  /** This user listed it first (`setPinned`). */
  readonly pinned: boolean;
  /** This user wants no notifications for it (`setMuted`); messages still arrive and count as unread. */
  readonly muted: boolean;
}

/** What a Conversation emits. Listeners run after the change is applied, so `snapshot()` already shows it. */
export interface ConversationEvents {
  /** A message reached this device: a new message, or this device's own send once the server stored it. */
  messageAdded: (message: Message) => void;
  /** A loaded message was edited. */
  messageUpdated: (message: Message) => void;
  /** A loaded message was removed (it stays in `messages()` with `removedAt` set). */
  messageRemoved: (message: Message) => void;
  /** A new message from someone else mentions this user (once per message, in seq order). */
  mentioned: (message: Message) => void;
  /** The unread count or this user's read mark changed (a read on any of the user's devices counts). */
  unreadChanged: (read: { unreadCount: number; lastReadSeq: number }) => void;
  /** Messages waiting in the outbox changed: queued, attempted, failed, stored or discarded. */
  outgoingChanged: (outgoing: readonly Readonly<OutgoingMessage>[]) => void;
  /**
   * `snapshot()` changed: after the events above, and for changes without an event of their own (title,
   * participants, a page of older messages, a reset). Fires once per batch of changes (e.g. a replayed page).
   */
  updated: () => void;
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

export class Conversation extends TypedEmitter<ConversationEvents> {
  private readonly byId = new Map<string, Message>();
  /** This user's messages by their clientMessageId: a resent message is recognised when it arrives. */
  private readonly ownClientIds = new Set<string>();
  private ordered: readonly Message[] | undefined;
  private messageSnapshots: readonly MessageSnapshot[] | undefined;
  private outgoing: readonly Readonly<OutgoingMessage>[] | undefined;
  private current: ConversationSnapshot | undefined;
  /** A change was applied since `updated` was last emitted. */
  private updatePending = false;
  private olderOnServer = true;
  private settings: ConversationSettings = { pinned: false, muted: false };
  private readonly loaded: LoadedMessages = {
    get: (id) => this.byId.get(id)?.toJSON(),
    values: () => [...this.byId.values()].map((m) => m.toJSON()),
  };

  private constructor(
    private data: ConversationData,
    private readonly backend: ConversationBackend,
    private read: { lastReadSeq: number; unreadCount: number },
  ) {
    super();
    deepFreeze(data);
  }

  /** @internal `data` (and the messages added later) are frozen in place: pass copies of data kept elsewhere. */
  static create(
    data: ConversationData,
    backend: ConversationBackend,
    read = { lastReadSeq: 0, unreadCount: 0 },
  ): Conversation {
    return new Conversation(data, backend, { ...read });
  }

  get id(): string {
    return this.data.id;
  }
  get type(): ConversationType {
    return this.data.type;
  }
  get title(): string | null {
    return this.data.title;
  }
  get customData(): Readonly<CustomData> {
    return this.data.customData;
  }
  get distinct(): boolean {
    return this.data.distinct;
  }
  get createdBy(): string {
    return this.data.createdBy;
  }
  get participants(): readonly Readonly<Participant>[] {
    return this.data.participants;
  }
  get lastSeq(): number {
    return this.data.lastSeq;
  }
  get updatedAt(): string {
    return this.data.updatedAt;
  }
  /** This user's read mark (one per user, shared by their devices). */
  get lastReadSeq(): number {
    return this.read.lastReadSeq;
  }
  /** Messages from others after `lastReadSeq` that are not removed. */
  get unreadCount(): number {
    return this.read.unreadCount;
  }
  /** Whether older messages than the loaded ones exist on the server. */
  get hasOlder(): boolean {
    return this.olderOnServer;
  }
  /** This user's own setting: pinned conversations come first in `messenger.conversations()`. */
  get pinned(): boolean {
    return this.settings.pinned;
  }
  /** This user's own setting: show no notifications for this conversation. */
  get muted(): boolean {
    return this.settings.muted;
  }

  /** The newest visible message, or null. */
  get lastMessage(): Message | null {
    const list = this.messages();
    for (let i = list.length - 1; i >= 0; i--) if (!list[i]!.removedAt) return list[i]!;
    return null;
  }

  /** Loaded messages, oldest first. */
  messages(): readonly Message[] {
    this.ordered ??= Object.freeze([...this.byId.values()].sort((a, b) => a.seq - b.seq));
    return this.ordered;
  }

  message(id: string): Message | undefined {
    return this.byId.get(id);
  }

  /**
   * Everything about the conversation as one frozen object; the same object until something changes (the
   * `updated` event says when). Made on demand, reusing every part that did not change.
   */
  snapshot(): ConversationSnapshot {
    if (this.current) return this.current;
    this.messageSnapshots ??= Object.freeze(this.messages().map((m) => m.toJSON()));
    const messages = this.messageSnapshots;
    let lastMessage: MessageSnapshot | null = null;
    for (let i = messages.length - 1; i >= 0 && !lastMessage; i--)
      if (!messages[i]!.removedAt) lastMessage = messages[i]!;
    const { id, type, title, customData, distinct, createdBy, createdAt, updatedAt, participants, lastSeq } =
      this.data;
    this.current = Object.freeze({
      id,
      type,
      title,
      customData,
      distinct,
      createdBy,
      createdAt,
      updatedAt,
      participants,
      lastSeq,
      lastReadSeq: this.read.lastReadSeq,
      unreadCount: this.read.unreadCount,
      hasOlder: this.olderOnServer,
      messages,
      lastMessage,
      outgoingMessages: this.outgoingMessages(),
      pinned: this.settings.pinned,
      muted: this.settings.muted,
    });
    return this.current;
  }

  /**
   * Messages this user sent that the server has not confirmed yet, oldest first: show them after the loaded
   * messages, as pending ('pending' | 'sending') or, once the outbox gave up, as failed with a retry action.
   * Frozen; the same array until the outbox changes (`outgoingChanged`).
   */
  outgoingMessages(): readonly Readonly<OutgoingMessage>[] {
    this.outgoing ??= deepFreeze(
      this.backend.outgoingMessages(this).filter((m) => !this.ownClientIds.has(m.clientMessageId)),
    );
    return this.outgoing;
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
    options: {
      clientMessageId?: string;
      /** Quote this message of the conversation (it must exist and not be removed). */
      replyTo?: string | undefined;
      /** Participants' user ids this message mentions (`@username` in the text); each is notified. */
      mentions?: string[] | undefined;
    } = {},
  ): Promise<Message> {
    const extras: { replyTo?: string; mentions?: string[] } = {};
    if (options.replyTo) extras.replyTo = options.replyTo;
    if (options.mentions?.length) extras.mentions = [...new Set(options.mentions)];
    return this.backend.sendMessage(
      this,
      textParts(content),
      options.clientMessageId ?? newClientMessageId(),
      extras,
    );
  }
  /**
   * Adds this user's emoji reaction to a message (one per user and emoji: adding again changes nothing).
   * Resolves with the message's reactions as the server stored them; the message itself changes when the
   * `reaction.added` event arrives, on every device alike.
   */
  react(messageId: string, emoji: string): Promise<MessageReactions> {
    return this.backend.react(this, messageId, emoji, true);
  }
  /** Takes this user's reaction back (nothing happens when there is none). */
  unreact(messageId: string, emoji: string): Promise<MessageReactions> {
    return this.backend.react(this, messageId, emoji, false);
  }
  /** Adds the reaction, or takes it back when this user already reacted with that emoji. */
  toggleReaction(messageId: string, emoji: string): Promise<MessageReactions> {
    const mine = this.byId
      .get(messageId)
      ?.reactions.some((r) => r.emoji === normalizeEmoji(emoji) && r.userIds.includes(this.backend.userId));
    return this.backend.react(this, messageId, emoji, !mine);
  }
  editMessage(messageId: string, content: string | MessagePartInput[]): Promise<void> {
    return this.backend.editMessage(this, messageId, textParts(content));
  }
  removeMessage(messageId: string): Promise<void> {
    return this.backend.removeMessage(this, messageId);
  }
  /**
   * Uploads a file (`onProgress`, cancel with `signal`), then sends it through the outbox as a message with
   * an attachment part and the caption after it. Resolves once the server stored the message; an upload
   * the server refuses (413 over the size limit, 415 a type it does not take) rejects before anything is queued.
   */
  async sendAttachment(file: AttachmentInput, options: SendAttachmentOptions = {}): Promise<Message> {
    const attachment = await this.backend.attachments.upload(this.id, file, options);
    return this.sendMessage(attachmentMessageParts(attachment, options.caption), {
      clientMessageId: options.clientMessageId,
    });
  }
  /**
   * Starts a call in this conversation through a provider (`parley` and `video` unless named) via the webhook
   * gateway, and resolves with the gateway's record of it. The call's voip-link message follows in the
   * conversation (`callLink(messageId)` on it follows the call). Rejects with GatewayNotConfiguredError when
   * the Messenger has no `gatewayUrl`.
   */
  startCall(options: { provider?: ProviderName; media?: CallMedia } = {}): Promise<ProviderCall> {
    return this.backend.startCall(this, options);
  }
  /**
   * The call card of a loaded voip-link message, following its edits (`changed`), with join/leave/end.
   * Undefined when the message is not loaded, was removed or is not a readable voip link.
   */
  callLink(messageId: string): CallLink | undefined {
    const message = this.byId.get(messageId);
    return message ? CallLink.fromMessage(this, message, this.backend.gateway) : undefined;
  }
  /** A signed URL of an attachment part (its `thumbnail` for an image preview), fresh when the last one is near expiry. */
  attachmentUrl(part: MessagePart, variant: 'original' | 'thumbnail' = 'original'): Promise<string> {
    return this.backend.attachments.urlOf(this.id, part, variant);
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
  /** Pins or unpins it for this user (on all their devices at once; nobody else sees it). */
  setPinned(pinned: boolean): Promise<void> {
    return this.backend.updateSettings(this, { pinned });
  }
  /** Mutes or unmutes it for this user: `muted` tells a client not to notify. */
  setMuted(muted: boolean): Promise<void> {
    return this.backend.updateSettings(this, { muted });
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
      lastReadSeq: this.read.lastReadSeq,
      unreadCount: this.read.unreadCount,
      hasOlder: this.olderOnServer || this.byId.size > CACHED_MESSAGES_PER_CONVERSATION,
      settings: { ...this.settings },
      messages: this.messages()
        .slice(-CACHED_MESSAGES_PER_CONVERSATION)
        .map((m) => m.toCache()),
    };
  }

  // ---- state changes, made by the Messenger in seq order; `updated` goes out on flushUpdate() ----

  /** @internal What the reducer reads. */
  get reducerState(): ConversationState {
    return {
      userId: this.backend.userId,
      data: this.data,
      lastReadSeq: this.read.lastReadSeq,
      unreadCount: this.read.unreadCount,
      messages: this.loaded,
    };
  }

  /** @internal Applies the reducer's effects in order and emits the event each one announces. */
  applyEffects(effects: readonly ConversationEffect[]): void {
    for (const effect of effects) {
      switch (effect.type) {
        case 'dataChanged':
          this.data = deepFreeze(effect.data);
          this.touch();
          break;
        case 'messageAdded':
          this.emit('messageAdded', this.addMessage(effect.message));
          break;
        case 'messageUpdated':
        case 'messageRemoved': {
          const message = this.byId.get(effect.message.id);
          if (!message) break;
          message.replaceData(effect.message);
          this.messageSnapshots = undefined;
          this.touch();
          this.emit(effect.type, message);
          break;
        }
        case 'unreadChanged':
          this.setReadState(effect.lastReadSeq, effect.unreadCount);
          break;
        case 'mentioned': {
          const message = this.byId.get(effect.message.id);
          if (message) this.emit('mentioned', message);
          break;
        }
        case 'ownMessageStored':
        case 'left':
          break; // the Messenger's to act on
      }
    }
  }

  /** @internal The server's read state from a sync, with what this device applied since the summary. */
  syncReadState(summary: ReadSummary): void {
    const read = readStateAfterSync(this.reducerState, summary);
    this.setReadState(read.lastReadSeq, read.unreadCount);
  }

  /** @internal The server's read state (after a sync). */
  setReadState(lastReadSeq: number, unreadCount: number): void {
    if (lastReadSeq === this.read.lastReadSeq && unreadCount === this.read.unreadCount) return;
    this.read = { lastReadSeq, unreadCount };
    this.touch();
    this.emit('unreadChanged', { ...this.read });
  }

  /** @internal This user's settings (from /v1/me, a live frame or a local change); true if they changed. */
  setSettings(settings: ConversationSettings): boolean {
    if (settings.pinned === this.settings.pinned && settings.muted === this.settings.muted) return false;
    this.settings = { pinned: settings.pinned, muted: settings.muted };
    this.touch();
    return true;
  }

  /** @internal A page of history (or the latest message from a sync): held without per-message events. */
  addHistory(messages: readonly MessageSnapshot[], hasOlder?: boolean): void {
    for (const m of messages) if (!this.byId.has(m.id)) this.addMessage(m);
    if (hasOlder !== undefined && hasOlder !== this.olderOnServer) {
      this.olderOnServer = hasOlder;
      this.touch();
    }
  }

  /** @internal The device was away too long: start again from the server's latest page. */
  reset(data: ConversationData, messages: readonly MessageSnapshot[], hasOlder: boolean): void {
    this.byId.clear();
    this.ownClientIds.clear();
    this.ordered = this.messageSnapshots = this.outgoing = undefined;
    this.data = deepFreeze(data);
    this.olderOnServer = hasOlder;
    this.addHistory(messages);
    this.touch();
  }

  /** @internal The outbox changed for this conversation. */
  outboxChanged(): void {
    this.outgoing = undefined;
    this.touch();
    this.emit('outgoingChanged', this.outgoingMessages());
  }

  /** @internal Emits `updated` once for everything applied since the last call. */
  flushUpdate(): void {
    if (!this.updatePending) return;
    this.updatePending = false;
    this.emit('updated');
  }

  private addMessage(data: MessageSnapshot): Message {
    const message = Message.fromData(data);
    this.byId.set(data.id, message);
    if (data.senderId === this.backend.userId) {
      this.ownClientIds.add(data.clientMessageId);
      this.outgoing = undefined; // it is not outgoing any more
    }
    this.ordered = this.messageSnapshots = undefined;
    this.touch();
    return message;
  }

  private touch(): void {
    this.current = undefined;
    this.updatePending = true;
  }
}
