export { Messenger, type MessengerOptions } from './messenger.js';
export type { MessengerEvents, ChannelListing, User, UserPresence } from './messenger-events.js';
export type {
  ConversationSettings,
  DeviceActivity,
  PresenceStatus,
  SearchHit,
  SearchResponse,
  SendVoiceSignalResponse,
  SnippetSegment,
  UserDirectoryPage,
  VoiceData,
  VoiceSignal,
  VoiceSignalKind,
} from '@parley/protocol';
export {
  Conversation,
  type CachedConversation,
  type ConversationEvents,
  type ConversationSnapshot,
  CACHED_MESSAGES_PER_CONVERSATION,
} from './model/conversation.js';
export { Message, messageText, type CachedMessage, type MessageSnapshot } from './model/message.js';
export { mentionsUser, reactionSummaries, type ReactionSummary } from './model/reactions.js';
export { ParleyApiError } from './http/api-error.js';
export type { FetchLike } from './http/api-client.js';
export * from './voice/index.js';
export {
  MachineClient,
  type MachineClientEvents,
  type MachineClientOptions,
} from './machine/machine-client.js';
export * from './attachments/index.js';
export type { OutgoingMessage, OutgoingStatus, SendFailure, SendPolicy } from './outbox/send-queue.js';
export type { Session } from './http/session.js';
export type { CacheStore } from './cache/cache-store.js';
export { MemoryStore } from './cache/memory-store.js';
export { IndexedDbStore } from './cache/indexeddb-store.js';
export { EventSequencer, type SeqGap } from './sync/event-sequencer.js';
export type { ConnectionState, WebSocketFactory, WebSocketLike } from './realtime/realtime-connection.js';
export * from './terminal/index.js';
export { CallLink, voipLinkOf, type CallLinkEvents } from './calls/call-link.js';
export { GatewayNotConfiguredError } from './gateway/gateway-client.js';
export type { Video } from './video/video.js';
export type { Push, PushRegistrationLike } from './push/push.js';
export type {
  CallMedia,
  ProviderAccessToken,
  ProviderCall,
  ProviderCallJoin,
  ProviderName,
  PushSubscriptionRecord,
  VideoIdentity,
  VideoInvite,
  VoipLinkBody,
  VoipLinkStatus,
} from '@parley/protocol';
