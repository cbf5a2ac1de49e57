import {
  CatchUpResponse,
  Conversation as ConversationSchema,
  HistoryResponse,
  MeResponse,
  Message as MessageSchema,
  MessageReactions as MessageReactionsSchema,
  MessagingLimits,
  PresenceResponse,
  ProviderCall,
  RetransmitResponse,
  SearchResponse,
  SendVoiceSignalResponse,
  User as UserSchema,
  UserDirectoryPage,
  type ChannelListing,
  type Conversation as ConversationData,
  type ConversationEvent,
  type ConversationSettings,
  type ConversationType,
  type CustomData,
  type DeviceActivity,
  type MessagePartInput,
  type ServerFrame,
  ProviderList,
  type StartProviderCallRequest,
  type UpdateMeRequest,
  type User,
  type UserPresence,
  type TokenResponse,
} from '@parley/protocol';
import type { CacheStore } from './cache/cache-store.js';
import { TypedEmitter } from './events.js';
import { ApiClient, Auth, type FetchLike } from './http/api-client.js';
import { ParleyApiError } from './http/api-error.js';
import { ChannelList, UserList } from './http/response-schema.js';
import type { Session } from './http/session.js';
import type { MessengerEvents } from './messenger-events.js';
import { AttachmentClient } from './attachments/attachment-client.js';
import { Conversation, type CachedConversation, type ConversationBackend } from './model/conversation.js';
import { Message, type CachedMessage } from './model/message.js';
import {
  RealtimeConnection,
  type ConnectionState,
  type WebSocketFactory,
} from './realtime/realtime-connection.js';
import { applyOwnReadMark, reduceConversationEvent, storeMessage } from './sync/conversation-reducer.js';
import { EventSequencer } from './sync/event-sequencer.js';
import { Outbox } from './outbox/outbox.js';
import { PresenceTracker } from './presence/presence-tracker.js';
import type { OutgoingMessage, SendPolicy } from './outbox/send-queue.js';
import type { SignalRetryPolicy } from './voice/send-retry.js';
import { Voice } from './voice/voice.js';
import { GatewayClient } from './gateway/gateway-client.js';
import { Push } from './push/push.js';
import { Video } from './video/video.js';

export interface MessengerOptions {
  /** Base URL of the messaging service, e.g. http://localhost:3001 */
  baseUrl: string;
  session: Session;
  /** Called whenever tokens are renewed, so the app can persist the new session. */
  onSessionChange?: (session: Session) => void;
  store?: CacheStore;
  /** Defaults to the global WebSocket (browsers); in Node pass one built on the `ws` package. */
  createWebSocket?: WebSocketFactory;
  fetch?: FetchLike;
  /**
   * How the outbox retries a send that failed for network reasons (always with the same clientMessageId):
   * by default every 0.25–5 s, marking it failed after 60 s without success.
   */
  sendPolicy?: Partial<SendPolicy>;
  /** How a voice signal that got no answer (or a 5xx) is sent again: by default 4 tries within a few seconds. */
  voiceRetry?: Partial<SignalRetryPolicy>;
  /**
   * Base URL of the webhook gateway, e.g. http://localhost:3005: provider calls (`conversation.startCall`,
   * call links), `video` and `push`. Without it those reject with GatewayNotConfiguredError.
   */
  gatewayUrl?: string;
  /**
   * Where new tokens come from when the session has no refresh token (e.g. a guest's short-lived token):
   * called on a 401 or before the socket reconnects with an expired token. Without it, such a session ends.
   */
  renewTokens?: () => Promise<TokenResponse>;
}

interface Entry {
  conversation: Conversation;
  sequencer: EventSequencer<ConversationEvent>;
  repairing?: Promise<void>;
}

const TYPING_THROTTLE_MS = 2500;
/** While the API does not answer, ask it this often (ms, doubling up to the maximum) whether it is back. */
const PROBE_MIN_MS = 1000;
const PROBE_MAX_MS = 10_000;

/**
 * The client's view of Parley messaging: conversations, their messages and every change to them, kept
 * complete and in order across disconnects. Live events are applied in seq order; a missed seq is fetched
 * with retransmitEvents before later events are emitted; after every reconnect the device compares its
 * seqs with getUser and replays (or, after a long absence, resets) what it missed.
 */
export class Messenger extends TypedEmitter<MessengerEvents> {
  static signUp = Auth.signUp;
  static login = Auth.login;

  private readonly api: ApiClient;
  private readonly entries = new Map<string, Entry>();
  private readonly unknownConversations = new Map<string, Promise<Entry | undefined>>();
  private readonly connection: RealtimeConnection;
  private readonly typingSentAt = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private firstSync: { promise: Promise<void>; resolve: () => void };
  private closed = false;
  private readonly outbox: Outbox;
  private readonly presenceTracker: PresenceTracker;
  /** What this device last said about its user (`setActivity`), repeated after every reconnect. */
  private activity: DeviceActivity = 'active';
  private apiReachable = true;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private probeDelayMs = PROBE_MIN_MS;
  private reportedState: ConnectionState = 'closed';
  /** What Conversation methods call. */
  private readonly backend: ConversationBackend;
  private voiceSignals: Voice | undefined;
  private readonly gateway: GatewayClient;
  private videoClient: Video | undefined;
  private pushClient: Push | undefined;

  private constructor(private readonly options: MessengerOptions) {
    super();
    this.api = new ApiClient({
      baseUrl: options.baseUrl,
      session: options.session,
      fetch: options.fetch,
      onSessionChange: options.onSessionChange,
      renewTokens: options.renewTokens,
      onSessionExpired: (err) => {
        if (this.closed) return;
        this.connection.stop();
        this.emit('sessionExpired', err);
      },
      onReachability: (reachable) => this.setApiReachable(reachable),
    });
    this.gateway = new GatewayClient(this.api, options.gatewayUrl);
    this.backend = this.createBackend();
    this.presenceTracker = new PresenceTracker({
      fetch: async (ids) =>
        (await this.api.get(`/v1/presence?userIds=${ids.join(',')}`, PresenceResponse)).presence,
      onChange: (presence) => this.emit('presenceChanged', presence),
      onError: (err) => this.emit('error', err),
    });
    this.outbox = new Outbox({
      send: (m) =>
        this.api.post(
          `/v1/conversations/${m.conversationId}/messages`,
          {
            clientMessageId: m.clientMessageId,
            parts: m.parts,
            ...(m.replyTo ? { replyTo: m.replyTo } : {}),
            ...(m.mentions?.length ? { mentions: m.mentions } : {}),
          },
          MessageSchema,
        ),
      onSent: (data) => {
        const entry = this.entries.get(data.conversationId);
        if (!entry) return;
        entry.conversation.applyEffects(storeMessage(entry.conversation.reducerState, data));
        this.changed(data.conversationId);
      },
      onChanged: (conversationId) => {
        const conversation = this.entries.get(conversationId)?.conversation;
        conversation?.outboxChanged();
        conversation?.flushUpdate();
        this.emit('outgoingChanged', { conversationId });
        this.emit('conversationsChanged');
      },
      persist: options.store ? (messages) => options.store!.saveOutbox(messages) : undefined,
      onPersistError: (err) => this.emit('error', err),
      policy: options.sendPolicy,
    });
    let resolve!: () => void;
    this.firstSync = { promise: new Promise<void>((r) => (resolve = r)), resolve };
    const createWebSocket =
      options.createWebSocket ??
      ((url: string) => {
        const Ctor = (globalThis as { WebSocket?: new (url: string) => unknown }).WebSocket;
        if (!Ctor) throw new Error('no global WebSocket: pass createWebSocket (see @parley/sdk/node)');
        return new Ctor(url) as ReturnType<WebSocketFactory>;
      });
    this.connection = new RealtimeConnection({
      url: `${this.api.baseUrl.replace(/^http/, 'ws')}/v1/realtime`,
      createWebSocket,
      accessToken: () => this.api.accessToken,
      accessTokenExpiresAt: () => this.api.session.tokens.expires_at,
      refreshToken: () => this.api.refreshSession(),
      onFrame: (frame) => this.receiveFrame(frame),
      onInvalidFrame: (err) => this.emit('error', err),
      onStateChange: (state) => {
        if (state === 'online') this.outbox.connectionRestored();
        this.reportState();
      },
    });
  }

  /** Loads the cache (conversations are available at once), then connects and syncs in the background. */
  static async connect(options: MessengerOptions): Promise<Messenger> {
    const messenger = new Messenger(options);
    await messenger.loadCache();
    messenger.connection.start();
    return messenger;
  }

  get user(): User {
    return this.api.session.user;
  }
  get userId(): string {
    return this.api.session.user.id;
  }
  get session(): Session {
    return this.api.session;
  }
  /**
   * 'online' only while the live socket is up and the REST API answers: a send that cannot reach the server
   * turns it 'offline' until the API answers again.
   */
  get state(): ConnectionState {
    const state = this.connection.currentState;
    return state === 'online' && !this.apiReachable ? 'offline' : state;
  }

  /** Every message waiting in the outbox, across conversations, oldest first. */
  outgoingMessages(conversation?: Conversation): readonly OutgoingMessage[] {
    if (conversation) return this.outbox.messages(conversation.id);
    return [...this.entries.keys()].flatMap((id) => this.outbox.messages(id));
  }

  retrySend(clientMessageId: string): boolean {
    return this.outbox.retry(clientMessageId);
  }

  discardSend(clientMessageId: string): boolean {
    return this.outbox.discard(clientMessageId);
  }

  /** Swaps in a newer session for the same user (another tab refreshed the tokens) and reconnects. */
  updateSession(session: Session): void {
    if (session.user.id !== this.userId)
      throw new Error('updateSession: the session belongs to another user');
    this.api.replaceSession(session);
    if (!this.closed) {
      if (this.connection.currentState === 'closed') this.connection.start();
      else this.connection.reconnectNow();
    }
  }

  /** Resolves after the first complete sync with the server. */
  synced(): Promise<void> {
    return this.firstSync.promise;
  }

  /** Conversations, pinned ones first, then most recently active first. */
  conversations(): Conversation[] {
    return [...this.entries.values()]
      .map((e) => e.conversation)
      .sort((a, b) => Number(b.pinned) - Number(a.pinned) || activityOf(b).localeCompare(activityOf(a)));
  }

  /**
   * Full-text search over the messages of this user's conversations: every word must occur (as a word
   * prefix). Hits are newest first, each with its conversation id, the message and a snippet whose `match`
   * segments are the found words (plain text: render it as text). Pass `nextBefore` as `before` for more.
   */
  search(query: string, options: { limit?: number; before?: string } = {}): Promise<SearchResponse> {
    const params = new URLSearchParams({ q: query });
    if (options.limit !== undefined) params.set('limit', String(options.limit));
    if (options.before) params.set('before', options.before);
    return this.api.get(`/v1/search?${params.toString()}`, SearchResponse);
  }

  /**
   * A user's presence as this device knows it: `online`, `away` or `offline` with `lastSeenAt`. The first
   * call for a user reads it from the server; `presenceChanged` fires whenever it changes. Only people who
   * share a direct or group conversation with this user are told; anyone else stays `offline`.
   */
  presence(userId: string): Readonly<UserPresence> {
    return this.presenceTracker.get(userId);
  }

  /** Reads several users' presence from the server now (at most 100 a request, batched). */
  fetchPresence(userIds: string[]): Promise<Readonly<UserPresence>[]> {
    return this.presenceTracker.read(userIds);
  }

  /**
   * Tells the server whether this device is in use (`active`) or hidden / idle (`away`); the user is away
   * when all their devices are. Remembered and repeated after reconnects.
   */
  setActivity(activity: DeviceActivity): void {
    if (activity === this.activity) return;
    this.activity = activity;
    this.connection.send({ type: 'presence', state: activity });
  }

  /** This user's profile and privacy: display name, avatar URL, and whether everyone may see their number. */
  async updateProfile(patch: UpdateMeRequest): Promise<User> {
    return this.api.request('PATCH', '/v1/me', UserSchema, patch);
  }

  /** A page of the user directory (by username; `q` matches the start of a username or a name). */
  listUsers(options: { q?: string; cursor?: string; limit?: number } = {}): Promise<UserDirectoryPage> {
    const params = new URLSearchParams();
    if (options.q) params.set('q', options.q);
    if (options.cursor) params.set('cursor', options.cursor);
    if (options.limit !== undefined) params.set('limit', String(options.limit));
    return this.api.get(`/v1/users?${params.toString()}`, UserDirectoryPage);
  }

  /**
   * Voice negotiation for this user: handlers for the signals addressed to them (`onStart`, `onAccept`,
   * `onBusy`, `onStop`, `onSetup`, `onSummary`) and the matching sends. Always the same object; signals that
   * arrive before it is first asked for have no handlers and are dropped.
   */
  voice(): Voice {
    this.voiceSignals ??= new Voice({
      send: (request) => this.api.post('/v1/voice/signals', request, SendVoiceSignalResponse),
      onHandlerError: (err) => this.emit('error', err),
      retry: this.options.voiceRetry,
    });
    return this.voiceSignals;
  }

  /**
   * Video calling through the webhook gateway: `token()` (cached, renewed before `expires_at`),
   * `identity(userId)`, `call(conversationId, calleeId)`, `answer(inviteId)`, `decline(inviteId)`.
   */
  get video(): Video {
    this.videoClient ??= new Video({ gateway: this.gateway });
    return this.videoClient;
  }

  /** The call providers the webhook gateway has configured, and the one a call gets when none is named. */
  callProviders(): Promise<ProviderList> {
    return this.gateway.request('callProviders()', 'GET', '/v1/providers', ProviderList);
  }

  /** Web push through the webhook gateway: `vapidPublicKey()`, `subscribe()`, `unsubscribe()`, `subscribeThisDevice()`. */
  get push(): Push {
    this.pushClient ??= new Push(this.gateway);
    return this.pushClient;
  }

  conversation(id: string): Conversation | undefined {
    return this.entries.get(id)?.conversation;
  }

  /** The seed's getUser: the user and each conversation's lastSeq, lastReadSeq and unread count. */
  getUser(): Promise<MeResponse> {
    return this.api.get('/v1/me', MeResponse);
  }

  async createConversation(req: {
    type?: ConversationType;
    participants?: string[];
    distinct?: boolean;
    title?: string;
    customData?: CustomData;
  }): Promise<Conversation> {
    const data = await this.api.post(
      '/v1/conversations',
      { type: 'group', participants: [], ...req },
      ConversationSchema,
    );
    return this.adopt(data);
  }

  async joinConversation(id: string): Promise<Conversation> {
    return this.adopt(await this.api.post(`/v1/conversations/${id}/join`, {}, ConversationSchema));
  }

  async leaveConversation(id: string): Promise<void> {
    await this.api.perform('POST', `/v1/conversations/${id}/leave`);
    this.forget(id);
  }

  async findUsers(query: string): Promise<User[]> {
    return (await this.api.get(`/v1/users?q=${encodeURIComponent(query)}`, UserList)).users;
  }

  async listChannels(query?: string): Promise<ChannelListing[]> {
    const q = query ? `?q=${encodeURIComponent(query)}` : '';
    return (await this.api.get(`/v1/channels${q}`, ChannelList)).channels;
  }

  /** Restores a conversation saved with `toCache()` (used at start-up with the cache store). */
  createConversationFromCache(cached: CachedConversation): Conversation {
    const existing = this.entries.get(cached.conversation.id);
    if (existing) return existing.conversation;
    const copy = structuredClone(cached);
    const { lastReadSeq, unreadCount } = copy;
    const conversation = Conversation.create(copy.conversation, this.backend, { lastReadSeq, unreadCount });
    if (copy.settings) conversation.setSettings(copy.settings);
    conversation.addHistory(copy.messages, copy.hasOlder);
    conversation.flushUpdate();
    this.entries.set(conversation.id, { conversation, sequencer: new EventSequencer(copy.appliedSeq) });
    return conversation;
  }

  createMessageFromCache(cached: CachedMessage): Message {
    return Message.fromData(structuredClone(cached));
  }

  /** Stops the socket and writes the cache. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.connection.stop();
    this.presenceTracker.close();
    await Promise.all([this.outbox.close(), this.flushCache()]);
  }

  // ---- what Conversation methods call ----

  private createBackend(): ConversationBackend {
    return {
      userId: this.userId, // a session is only ever replaced by one of the same user
      attachments: new AttachmentClient(this.api, this.options.fetch),
      gateway: this.gateway,
      startCall: (c, opts) => {
        // No provider named: the gateway's configured default decides, not the SDK.
        const body: Omit<StartProviderCallRequest, 'provider'> & Partial<StartProviderCallRequest> = {
          conversationId: c.id,
          ...(opts.provider ? { provider: opts.provider } : {}),
          media: opts.media ?? 'video',
        };
        return this.gateway.request('conversation.startCall()', 'POST', '/v1/calls', ProviderCall, body);
      },
      sendMessage: (c, parts, clientMessageId, extras) => this.sendMessage(c, parts, clientMessageId, extras),
      react: (c, messageId, emoji, add) =>
        this.api.request(
          add ? 'PUT' : 'DELETE',
          `/v1/conversations/${c.id}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`,
          MessageReactionsSchema,
        ),
      editMessage: (c, messageId, parts) => this.editMessage(c, messageId, parts),
      removeMessage: (c, messageId) =>
        this.api.perform('DELETE', `/v1/conversations/${c.id}/messages/${messageId}`),
      outgoingMessages: (c) => this.outgoingMessages(c),
      retrySend: (id) => this.retrySend(id),
      discardSend: (id) => this.discardSend(id),
      markAsRead: (c, seq) => this.markAsRead(c, seq),
      typing: (c, active) => this.typing(c, active),
      loadOlder: (c, limit) => this.loadOlder(c, limit),
      retransmitEvents: (c, fromSeq, toSeq) => this.retransmitEvents(c, fromSeq, toSeq),
      update: (c, patch) => this.api.perform('PATCH', `/v1/conversations/${c.id}`, patch),
      updateSettings: (c, patch) => this.updateSettings(c, patch),
      addParticipants: (c, userIds) =>
        this.api.perform('POST', `/v1/conversations/${c.id}/participants`, {
          participants: userIds.map((userId) => ({ userId })),
        }),
      removeParticipant: async (c, userId) => {
        await this.api.perform('DELETE', `/v1/conversations/${c.id}/participants/${userId}`);
        if (userId === this.userId) this.forget(c.id);
      },
    };
  }

  private async sendMessage(
    conversation: Conversation,
    parts: MessagePartInput[],
    clientMessageId: string,
    extras: { replyTo?: string; mentions?: string[] } = {},
  ): Promise<Message> {
    const tooLarge = parts.find(
      (p) => p.body !== undefined && utf8Bytes(p.body) > MessagingLimits.maxPartBodyBytes,
    );
    if (tooLarge) {
      throw new ParleyApiError(
        413,
        `message is too long: ${utf8Bytes(tooLarge.body!)} bytes, the limit is ${MessagingLimits.maxPartBodyBytes}`,
        'payload_too_large',
      );
    }
    const data = await this.outbox.add(conversation.id, parts, clientMessageId, extras);
    const message = conversation.message(data.id);
    if (message) return message;
    // The conversation was left or reset meanwhile: the stored message still resolves the send.
    return Message.fromData(data);
  }

  private async editMessage(
    conversation: Conversation,
    messageId: string,
    parts: MessagePartInput[],
  ): Promise<void> {
    const data = await this.api.request(
      'PATCH',
      `/v1/conversations/${conversation.id}/messages/${messageId}`,
      MessageSchema,
      { parts },
    );
    conversation.applyEffects(storeMessage(conversation.reducerState, data));
    this.changed(conversation.id);
  }

  private async markAsRead(conversation: Conversation, seq: number): Promise<void> {
    const target = Math.min(seq, conversation.lastSeq);
    if (target <= conversation.lastReadSeq) return;
    conversation.applyEffects(applyOwnReadMark(conversation.reducerState, target));
    this.changed(conversation.id);
    await this.api.perform('POST', `/v1/conversations/${conversation.id}/read`, { seq: target });
  }

  private typing(conversation: Conversation, active: boolean): void {
    const last = this.typingSentAt.get(conversation.id) ?? 0;
    if (active && Date.now() - last < TYPING_THROTTLE_MS) return;
    this.typingSentAt.set(conversation.id, active ? Date.now() : 0);
    this.connection.send({ type: 'typing', conversationId: conversation.id, active });
  }

  private async loadOlder(conversation: Conversation, limit: number): Promise<number> {
    const oldest = conversation.messages()[0];
    const before = oldest ? `&before=${oldest.seq}` : '';
    const page = await this.api.get(
      `/v1/conversations/${conversation.id}/messages?limit=${limit}${before}`,
      HistoryResponse,
    );
    conversation.addHistory(page.messages, page.nextBefore !== null);
    this.changed(conversation.id);
    return page.messages.length;
  }

  private retransmitEvents(
    conversation: Conversation,
    fromSeq: number,
    toSeq: number,
  ): Promise<RetransmitResponse> {
    return this.api.get(
      `/v1/conversations/${conversation.id}/events?fromSeq=${fromSeq}&toSeq=${toSeq}`,
      RetransmitResponse,
    );
  }

  private async updateSettings(
    conversation: Conversation,
    patch: Partial<ConversationSettings>,
  ): Promise<void> {
    const previous = { pinned: conversation.pinned, muted: conversation.muted };
    this.applySettings(conversation.id, { ...previous, ...patch });
    try {
      await this.api.perform('PATCH', `/v1/conversations/${conversation.id}/settings`, patch);
    } catch (err) {
      this.applySettings(conversation.id, previous);
      throw err;
    }
  }

  private applySettings(conversationId: string, settings: ConversationSettings): void {
    const conversation = this.entries.get(conversationId)?.conversation;
    if (!conversation?.setSettings(settings)) return;
    this.changed(conversationId);
  }

  // ---- sync ----

  private receiveFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'ready':
        // The live subscription is confirmed before `ready`: catching up now cannot miss anything.
        void this.syncAll().catch((err) => this.emit('error', err as Error));
        if (this.activity === 'away') this.connection.send({ type: 'presence', state: 'away' });
        this.presenceTracker.refreshAll(); // changes while disconnected were not heard
        return;
      case 'event':
        void this.receiveLive(frame.event).catch((err) => this.emit('error', err as Error));
        return;
      case 'typing':
        this.emit('typing', {
          conversationId: frame.conversationId,
          userId: frame.userId,
          active: frame.active,
        });
        return;
      case 'error':
        this.emit('error', new ParleyApiError(400, frame.message, frame.code));
        return;
      case 'presence':
        this.presenceTracker.receive({
          userId: frame.userId,
          status: frame.status,
          lastSeenAt: frame.lastSeenAt,
        });
        return;
      case 'settings':
        this.applySettings(frame.conversationId, { pinned: frame.pinned, muted: frame.muted });
        return;
      case 'voice':
        this.voiceSignals?.receive(frame.signal);
        return;
      default:
        return;
    }
  }

  private async syncAll(): Promise<void> {
    // Only these may be forgotten below: one adopted from a live event while the answer was on its way
    // can be newer than that answer.
    const knownBefore = new Set(this.entries.values());
    const me = await this.getUser();
    const seen = new Set<string>();
    await Promise.all(
      me.conversations.map(async (summary) => {
        seen.add(summary.id);
        let entry = this.entries.get(summary.id);
        if (!entry) {
          // New to this device: start from the current state rather than replaying all of history.
          const { lastReadSeq, unreadCount, lastMessage, pinned, muted, ...data } = summary;
          const conversation = Conversation.create(data, this.backend, { lastReadSeq, unreadCount });
          conversation.setSettings({ pinned, muted });
          if (lastMessage) conversation.addHistory([lastMessage]);
          entry = { conversation, sequencer: new EventSequencer(summary.lastSeq) };
          this.entries.set(summary.id, entry);
          this.changed(summary.id);
          return;
        }
        await this.repair(entry, summary.lastSeq);
        if (this.entries.get(summary.id) !== entry) return;
        entry.conversation.syncReadState(summary);
        entry.conversation.setSettings({ pinned: summary.pinned, muted: summary.muted });
        this.changed(summary.id);
      }),
    );
    for (const [id, entry] of [...this.entries]) if (!seen.has(id) && knownBefore.has(entry)) this.forget(id);
    this.emit('synced');
    this.firstSync.resolve();
  }

  private async receiveLive(event: ConversationEvent): Promise<void> {
    const entry = this.entries.get(event.conversationId) ?? (await this.adoptUnknown(event));
    if (!entry) return;
    this.applyInOrder(entry, entry.sequencer.offer([event]));
    if (entry.sequencer.gap()) await this.repair(entry);
  }

  /** Fetches what is missing (single flight per conversation) until the sequencer has no gap. */
  private repair(entry: Entry, lastSeq?: number): Promise<void> {
    entry.repairing ??= (async () => {
      try {
        // Stops when the conversation is gone from this device (left while repairing).
        while (this.entries.get(entry.conversation.id) === entry) {
          const gap = lastSeq === undefined ? entry.sequencer.gap() : entry.sequencer.gapUpTo(lastSeq);
          if (!gap) return;
          if (gap.toSeq - gap.fromSeq + 1 > MessagingLimits.replayRecommendedMaxGap) {
            await this.catchUp(entry);
            continue;
          }
          const page = await this.retransmitEvents(entry.conversation, gap.fromSeq, gap.toSeq);
          this.applyInOrder(entry, entry.sequencer.offer(page.events));
          if (page.events.length === 0 && page.nextFromSeq === null) {
            // The server has nothing in that range (it never will): do not loop on it.
            this.applyInOrder(entry, entry.sequencer.resetTo(gap.toSeq));
          }
        }
      } finally {
        entry.repairing = undefined;
      }
    })();
    return entry.repairing;
  }

  /** A gap too large to replay: the server's catch-up answer decides, usually a reset to the latest page. */
  private async catchUp(entry: Entry): Promise<void> {
    const res = await this.api.get(
      `/v1/conversations/${entry.conversation.id}/sync?sinceSeq=${entry.sequencer.appliedSeq}`,
      CatchUpResponse,
    );
    if (res.mode === 'replay') {
      this.applyInOrder(entry, entry.sequencer.offer(res.page.events));
      return;
    }
    const conversation = entry.conversation;
    conversation.reset(res.conversation, res.messages, res.nextBefore !== null);
    const buffered = entry.sequencer.resetTo(res.lastSeq);
    this.emit('conversationReset', { conversation, reason: res.reason });
    this.applyInOrder(entry, buffered);
    this.changed(conversation.id);
  }

  /** An event for a conversation this device does not know: someone added us, or it was just created. */
  private adoptUnknown(event: ConversationEvent): Promise<Entry | undefined> {
    const id = event.conversationId;
    let pending = this.unknownConversations.get(id);
    if (!pending) {
      pending = (async () => {
        try {
          const data =
            event.type === 'conversation.created'
              ? structuredClone(event.payload.conversation)
              : await this.api.get(`/v1/conversations/${id}`, ConversationSchema);
          // The sync after `ready` may have listed it meanwhile: that entry stays, or the events applied to it
          // and the Conversation the app already holds would be dropped for a second one.
          const known = this.entries.get(id);
          if (known) return known;
          const conversation = Conversation.create(data, this.backend);
          const entry = { conversation, sequencer: new EventSequencer<ConversationEvent>(event.seq - 1) };
          this.entries.set(id, entry);
          return entry;
        } catch (err) {
          if (err instanceof ParleyApiError && err.status === 404) return undefined;
          throw err;
        } finally {
          this.unknownConversations.delete(id);
        }
      })();
      this.unknownConversations.set(id, pending);
    }
    return pending;
  }

  /** A conversation the server just returned to us (created, joined): known from now on. */
  private adopt(data: ConversationData): Conversation {
    const existing = this.entries.get(data.id);
    if (existing) return existing.conversation;
    const conversation = Conversation.create(data, this.backend);
    this.entries.set(data.id, { conversation, sequencer: new EventSequencer(data.lastSeq) });
    this.changed(data.id);
    return conversation;
  }

  private forget(id: string): void {
    if (!this.entries.delete(id)) return;
    this.emit('conversationLeft', { conversationId: id });
    this.emit('conversationsChanged');
    void this.options.store?.removeConversation(id).catch(() => undefined);
  }

  /** Applies events released by the sequencer, then announces the batch once (`updated`, `conversationsChanged`). */
  private applyInOrder(entry: Entry, events: ConversationEvent[]): void {
    if (events.length === 0) return;
    for (const event of events) {
      if (!this.apply(entry.conversation, event)) return;
    }
    this.changed(entry.conversation.id);
  }

  /** One event through the reducer; false when it took this user out of the conversation. */
  private apply(c: Conversation, event: ConversationEvent): boolean {
    const effects = reduceConversationEvent(c.reducerState, event);
    c.applyEffects(effects);
    for (const effect of effects) if (effect.type === 'ownMessageStored') this.outbox.confirm(effect.message);
    for (const effect of effects) {
      const message = effect.type === 'mentioned' ? c.message(effect.message.id) : undefined;
      if (message) this.emit('mentioned', { conversation: c, message });
    }
    this.emitTyped(c, event);
    this.emit('event', { conversation: c, event });
    if (effects.some((e) => e.type === 'left')) {
      c.flushUpdate();
      this.forget(c.id);
      return false;
    }
    return true;
  }

  /** The Messenger's event named after the conversation event's type. */
  private emitTyped(conversation: Conversation, event: ConversationEvent): void {
    switch (event.type) {
      case 'conversation.created':
        return this.emit('conversationCreated', { conversation, event });
      case 'conversation.updated':
        return this.emit('conversationUpdated', { conversation, event });
      case 'participants.added':
        return this.emit('participantsAdded', { conversation, event });
      case 'participants.removed':
        return this.emit('participantsRemoved', { conversation, event });
      case 'participants.updated':
        return this.emit('participantUpdated', { conversation, event });
      case 'message.sent':
        return this.emit('messageSent', {
          conversation,
          event,
          message: conversation.message(event.payload.message.id)!,
        });
      case 'message.edited':
        return this.emit('messageEdited', {
          conversation,
          event,
          message: conversation.message(event.payload.messageId),
        });
      case 'message.removed':
        return this.emit('messageRemoved', {
          conversation,
          event,
          message: conversation.message(event.payload.messageId),
        });
      case 'conversation.read':
        return this.emit('conversationRead', { conversation, event });
      case 'reaction.added':
        return this.emit('reactionAdded', {
          conversation,
          event,
          message: conversation.message(event.payload.messageId),
        });
      case 'reaction.removed':
        return this.emit('reactionRemoved', {
          conversation,
          event,
          message: conversation.message(event.payload.messageId),
        });
    }
  }

  // ---- cache ----

  private async loadCache(): Promise<void> {
    if (!this.options.store) return;
    try {
      for (const cached of await this.options.store.loadConversations())
        this.createConversationFromCache(cached);
      // Sends that were queued when the app last stopped go out again, with their own ids.
      this.outbox.restore(await this.options.store.loadOutbox());
    } catch (err) {
      this.emit('error', err as Error);
    }
    if (this.entries.size > 0) this.emit('conversationsChanged');
  }

  // ---- reachability ----

  private setApiReachable(reachable: boolean): void {
    if (reachable) {
      this.probeDelayMs = PROBE_MIN_MS;
      if (this.probeTimer) clearTimeout(this.probeTimer);
      this.probeTimer = undefined;
    }
    if (reachable === this.apiReachable) return;
    this.apiReachable = reachable;
    if (reachable) this.outbox.connectionRestored();
    else this.scheduleProbe();
    this.reportState();
  }

  /** Asks the API, with growing pauses, whether it answers again: nothing else might call it meanwhile. */
  private scheduleProbe(): void {
    if (this.closed || this.probeTimer) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      this.probeDelayMs = Math.min(PROBE_MAX_MS, this.probeDelayMs * 2);
      void this.api.probe().then((answered) => {
        if (!answered) this.scheduleProbe();
      });
    }, this.probeDelayMs);
  }

  private reportState(): void {
    const state = this.state;
    if (state === this.reportedState) return;
    this.reportedState = state;
    this.emit('stateChanged', state);
  }

  /** A conversation changed: it announces its batch (`updated`), the list re-renders, the cache is saved. */
  private changed(id: string): void {
    this.entries.get(id)?.conversation.flushUpdate();
    this.dirty.add(id);
    this.emit('conversationsChanged');
    if (!this.options.store || this.closed) return;
    this.saveTimer ??= setTimeout(() => void this.flushCache(), 250);
  }

  private async flushCache(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const store = this.options.store;
    if (!store || this.dirty.size === 0) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    const snapshot = ids.flatMap((id) => {
      const e = this.entries.get(id);
      return e ? [e.conversation.toCache(e.sequencer.appliedSeq)] : [];
    });
    try {
      await store.saveConversations(snapshot);
    } catch (err) {
      this.emit('error', err as Error);
    }
  }
}

function activityOf(c: Conversation): string {
  return c.lastMessage?.createdAt ?? c.updatedAt;
}

function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).byteLength;
}
