import type { MessagePartInput } from '@parley/protocol';

export type OutgoingStatus = 'pending' | 'sending' | 'failed';

/** Why the last attempt of a send failed: the server's status (0 = no answer) and reason. */
export interface SendFailure {
  status: number;
  message: string;
  code?: string;
  retryable: boolean;
}

/**
 * A message the user sent that the server has not confirmed yet. Plain data, so a cache store can keep it
 * across reloads; `clientMessageId` is the idempotency key every attempt carries.
 */
export interface OutgoingMessage {
  clientMessageId: string;
  conversationId: string;
  parts: MessagePartInput[];
  /** The message this one replies to, and the participants it mentions (sent with every attempt). */
  replyTo?: string;
  mentions?: string[];
  /** When the user sent it (ms since epoch): the order it goes out in, and what the UI shows. */
  queuedAt: number;
  /** Start of the current give-up window: queuedAt, or the moment the user pressed retry. */
  tryingSince: number;
  status: OutgoingStatus;
  attempts: number;
  /** No attempt before this instant (ms since epoch): the retry backoff. */
  notBefore: number;
  lastError?: SendFailure;
}

export interface SendPolicy {
  /** A send that keeps failing for retryable reasons is marked failed after this long. */
  giveUpAfterMs: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
}

export const defaultSendPolicy: SendPolicy = {
  giveUpAfterMs: 60_000,
  minRetryDelayMs: 250,
  maxRetryDelayMs: 5_000,
};

/** What to do next for one conversation. */
export type SendDecision =
  | { kind: 'send'; message: OutgoingMessage }
  | { kind: 'wait'; ms: number }
  | { kind: 'busy' }
  | { kind: 'idle' };

/** What a failed attempt led to. */
export type AttemptOutcome = 'retry' | 'failed' | 'unknown';

/**
 * The client outbox as a pure state machine: messages go out one at a time per conversation, in the order
 * they were sent; retryable failures are retried with backoff until the give-up window closes; failures that
 * can never succeed (a 4xx) fail at once. A failed message does not hold back the ones after it. The caller
 * supplies the clock and performs the sends; this class only decides.
 */
export class SendQueue {
  private readonly queue: OutgoingMessage[] = [];

  constructor(private readonly policy: SendPolicy = defaultSendPolicy) {}

  /**
   * Messages restored from a cache: one that was in flight when the page went away is pending again, and
   * every pending one gets a fresh give-up window, so what was typed offline goes out when the app runs again.
   */
  restore(messages: readonly OutgoingMessage[], now: number): void {
    for (const m of messages) {
      if (this.find(m.clientMessageId)) continue;
      if (m.status === 'failed') this.queue.push({ ...m });
      else this.queue.push({ ...m, status: 'pending', tryingSince: now, notBefore: now });
    }
    this.queue.sort((a, b) => a.queuedAt - b.queuedAt);
  }

  enqueue(
    conversationId: string,
    parts: MessagePartInput[],
    clientMessageId: string,
    now: number,
    extras: Pick<OutgoingMessage, 'replyTo' | 'mentions'> = {},
  ): OutgoingMessage {
    const existing = this.find(clientMessageId);
    if (existing) return existing;
    const message: OutgoingMessage = {
      clientMessageId,
      conversationId,
      parts,
      ...extras,
      queuedAt: now,
      tryingSince: now,
      status: 'pending',
      attempts: 0,
      notBefore: now,
    };
    this.queue.push(message);
    return message;
  }

  next(conversationId: string, now: number): SendDecision {
    for (const m of this.queue) {
      if (m.conversationId !== conversationId || m.status === 'failed') continue;
      if (m.status === 'sending') return { kind: 'busy' };
      if (m.notBefore > now) return { kind: 'wait', ms: m.notBefore - now };
      return { kind: 'send', message: m };
    }
    return { kind: 'idle' };
  }

  startAttempt(clientMessageId: string): void {
    const m = this.find(clientMessageId);
    if (!m) return;
    m.status = 'sending';
    m.attempts += 1;
  }

  /** The server stored it (or the live event showed it stored): it leaves the outbox. */
  confirm(clientMessageId: string): OutgoingMessage | undefined {
    const i = this.queue.findIndex((m) => m.clientMessageId === clientMessageId);
    if (i < 0) return undefined;
    return this.queue.splice(i, 1)[0];
  }

  attemptFailed(clientMessageId: string, failure: SendFailure, now: number): AttemptOutcome {
    const m = this.find(clientMessageId);
    if (!m) return 'unknown';
    m.lastError = failure;
    if (!failure.retryable || now - m.tryingSince >= this.policy.giveUpAfterMs) {
      m.status = 'failed';
      return 'failed';
    }
    m.status = 'pending';
    m.notBefore = now + this.retryDelayMs(m.attempts);
    return 'retry';
  }

  /** Pending messages whose backoff has not ended: some are due now (the connection came back). */
  retryNow(now: number): string[] {
    const woken = new Set<string>();
    for (const m of this.queue) {
      if (m.status === 'pending' && m.notBefore > now) {
        m.notBefore = now;
        woken.add(m.conversationId);
      }
    }
    return [...woken];
  }

  /** The user asked to try a failed message again: it goes out after the ones queued before it now. */
  retry(clientMessageId: string, now: number): OutgoingMessage | undefined {
    const i = this.queue.findIndex((m) => m.clientMessageId === clientMessageId && m.status === 'failed');
    if (i < 0) return undefined;
    const [m] = this.queue.splice(i, 1);
    Object.assign(m!, { status: 'pending', attempts: 0, tryingSince: now, notBefore: now });
    this.queue.push(m!);
    return m;
  }

  /** The user gave up on a message that was not sent; one in flight cannot be taken back. */
  discard(clientMessageId: string): boolean {
    const m = this.find(clientMessageId);
    if (!m || m.status === 'sending') return false;
    this.queue.splice(this.queue.indexOf(m), 1);
    return true;
  }

  find(clientMessageId: string): OutgoingMessage | undefined {
    return this.queue.find((m) => m.clientMessageId === clientMessageId);
  }

  /** Copies: what the app holds never changes under it. */
  forConversation(conversationId: string): OutgoingMessage[] {
    return this.queue.filter((m) => m.conversationId === conversationId).map((m) => structuredClone(m));
  }

  conversationIds(): string[] {
    return [...new Set(this.queue.map((m) => m.conversationId))];
  }

  snapshot(): OutgoingMessage[] {
    return this.queue.map((m) => structuredClone(m));
  }

  get size(): number {
    return this.queue.length;
  }

  private retryDelayMs(attempts: number): number {
    const { minRetryDelayMs: min, maxRetryDelayMs: max } = this.policy;
    return Math.min(max, min * 2 ** Math.max(0, attempts - 1));
  }
}
