import {
  KnownMimeTypes,
  ProviderCall,
  ProviderCallJoin,
  VoipLinkBody,
  type CallMedia,
  type MessagePart,
  type VoipLinkStatus,
} from '@parley/protocol';
import { TypedEmitter } from '../events.js';
import { GatewayNotConfiguredError, pathSegment, type GatewayClient } from '../gateway/gateway-client.js';
import type { ResponseSchema } from '../http/response-schema.js';
import type { Conversation } from '../model/conversation.js';
import { deepFreeze } from '../model/freeze.js';
import type { Message } from '../model/message.js';

/** The call card of a message: its `application/voip-link` part, checked against the protocol; else undefined. */
export function voipLinkOf(message: {
  readonly parts: readonly Readonly<MessagePart>[];
}): VoipLinkBody | undefined {
  const part = message.parts.find(
    (p) => p.mimeType.split(';')[0]!.trim().toLowerCase() === KnownMimeTypes.voipLink,
  );
  if (part?.body === undefined) return undefined;
  try {
    const parsed = VoipLinkBody.safeParse(JSON.parse(part.body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** What a CallLink emits. */
export interface CallLinkEvents {
  /** The card changed (the message was edited): status, participants, times. Re-render it. */
  changed: (link: CallLink) => void;
  /** The message was removed: there is no card any more. */
  removed: (link: CallLink) => void;
}

/**
 * A provider call as its conversation shows it: the voip-link message the gateway posts and keeps current by
 * editing it. It follows that message (live edits and the ones caught up after a disconnect alike, since
 * both arrive as the conversation's `messageUpdated`) and emits `changed`; `join()`, `leave()` and `end()` act
 * on the call through the gateway. Call `dispose()` when the card is no longer shown.
 */
export class CallLink extends TypedEmitter<CallLinkEvents> {
  private body: Readonly<VoipLinkBody>;
  private gone = false;
  private readonly unsubscribe: Array<() => void>;

  private constructor(
    private readonly conversation: Conversation,
    readonly messageId: string,
    body: VoipLinkBody,
    private readonly gateway: GatewayClient | undefined,
  ) {
    super();
    this.body = deepFreeze(body);
    this.unsubscribe = [
      conversation.on('messageUpdated', (m) => this.follow(m)),
      conversation.on('messageRemoved', (m) => this.follow(m)),
      // A reset reloads the conversation's messages as new objects, with no per-message event.
      conversation.on('updated', () => {
        const m = conversation.message(messageId);
        if (m) this.follow(m);
      }),
    ];
  }

  /**
   * The call card of a loaded message of `conversation`, or undefined when the message is not a readable
   * voip link. @internal Apps use `conversation.callLink(messageId)`.
   */
  static fromMessage(
    conversation: Conversation,
    message: Message,
    gateway?: GatewayClient,
  ): CallLink | undefined {
    const body = voipLinkOf(message);
    if (!body || message.removedAt) return undefined;
    return new CallLink(conversation, message.id, body, gateway);
  }

  get conversationId(): string {
    return this.conversation.id;
  }
  /** The provider's name: `parley`, `twilio`, `livekit`, … */
  get provider(): string {
    return this.body.provider;
  }
  /** The provider's room or meeting id: what its SDK joins when there is no link. */
  get callId(): string {
    return this.body.callId;
  }
  get joinUrl(): string | null {
    return this.body.joinUrl ?? null;
  }
  get status(): VoipLinkStatus {
    return this.body.status;
  }
  get media(): CallMedia {
    return this.body.media;
  }
  /** Identities in the call now (the provider's names for them). */
  get participants(): readonly string[] {
    return this.body.participants ?? [];
  }
  get startedAt(): string | null {
    return this.body.startedAt ?? null;
  }
  get endedAt(): string | null {
    return this.body.endedAt ?? null;
  }
  get durationSeconds(): number | null {
    return this.body.durationSeconds ?? null;
  }
  /** The gateway's id of the call (what join/leave/end take), when the gateway made the call. */
  get gatewayCallId(): string | null {
    return this.body.gatewayCallId ?? null;
  }
  /** Over: ended or missed. */
  get finished(): boolean {
    return this.body.status === 'ended' || this.body.status === 'missed';
  }
  /** The message was removed: the card shows nothing any more. */
  get removed(): boolean {
    return this.gone;
  }

  /** The card as plain, frozen data: the same object until it changes. */
  snapshot(): Readonly<VoipLinkBody> {
    return this.body;
  }

  /** Enters the call: the call as the gateway knows it now and an access token for this user's identity. */
  join(): Promise<ProviderCallJoin> {
    return this.callRequest('join', ProviderCallJoin);
  }

  /** Leaves the call (the others stay). Resolves with the call as it was; the card follows by an edit. */
  leave(): Promise<ProviderCall> {
    return this.callRequest('leave', ProviderCall);
  }

  /** Ends the call for everyone. Resolves with the call as it was; the card follows by an edit. */
  end(): Promise<ProviderCall> {
    return this.callRequest('end', ProviderCall);
  }

  /** Stops following the message. */
  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private async callRequest<T>(action: 'join' | 'leave' | 'end', schema: ResponseSchema<T>): Promise<T> {
    if (!this.gateway?.configured) throw new GatewayNotConfiguredError(`callLink.${action}()`);
    const id = this.body.gatewayCallId;
    if (!id)
      throw new Error(`callLink.${action}(): this call was not made through the gateway (no gatewayCallId)`);
    return this.gateway.request(
      `callLink.${action}()`,
      'POST',
      `/v1/calls/${pathSegment(id)}/${action}`,
      schema,
      {},
    );
  }

  private follow(message: Message): void {
    if (message.id !== this.messageId || this.gone) return;
    if (message.removedAt) {
      this.gone = true;
      this.emit('removed', this);
      return;
    }
    const body = voipLinkOf(message);
    if (!body || sameJson(body, this.body)) return;
    this.body = deepFreeze(body);
    this.emit('changed', this);
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
