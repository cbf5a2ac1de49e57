import type { MessagePartInput } from '@parley/protocol';
import type { MessageSnapshot } from '../model/message.js';
import { ParleyApiError } from '../http/api-error.js';
import {
  SendQueue,
  defaultSendPolicy,
  type OutgoingMessage,
  type SendFailure,
  type SendPolicy,
} from './send-queue.js';

export interface OutboxOptions {
  /** Performs one attempt; the server answers a repeated clientMessageId with the first result. */
  send: (message: OutgoingMessage) => Promise<MessageSnapshot>;
  /** The server stored the message. */
  onSent: (data: MessageSnapshot) => void;
  /** A conversation's outgoing messages changed (queued, attempted, failed, gone): re-render. */
  onChanged: (conversationId: string) => void;
  /** Keeps the queue across reloads; called with the whole queue after changes, never concurrently. */
  persist?: (messages: OutgoingMessage[]) => Promise<void>;
  onPersistError?: (err: Error) => void;
  policy?: Partial<SendPolicy>;
  now?: () => number;
}

interface Waiter {
  resolve: (data: MessageSnapshot) => void;
  reject: (err: Error) => void;
}

/**
 * Drives the SendQueue: performs the attempts it decides on, wakes up when a backoff ends or the connection
 * returns, settles the promises of `add`, and writes the queue to the cache store after every change.
 */
export class Outbox {
  private readonly queue: SendQueue;
  private readonly now: () => number;
  private readonly pumping = new Set<string>();
  private readonly wakeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly waiters = new Map<string, Waiter[]>();
  private writing: Promise<void> | undefined;
  private writeAgain = false;
  private closed = false;

  constructor(private readonly options: OutboxOptions) {
    this.queue = new SendQueue({ ...defaultSendPolicy, ...options.policy });
    this.now = options.now ?? Date.now;
  }

  /** Queues a message; the promise settles when the server stored it or the outbox gave up on it. */
  add(
    conversationId: string,
    parts: MessagePartInput[],
    clientMessageId: string,
    extras: Pick<OutgoingMessage, 'replyTo' | 'mentions'> = {},
  ): Promise<MessageSnapshot> {
    const promise = new Promise<MessageSnapshot>((resolve, reject) => {
      const list = this.waiters.get(clientMessageId) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(clientMessageId, list);
    });
    this.queue.enqueue(conversationId, parts, clientMessageId, this.now(), extras);
    this.changed(conversationId);
    void this.pump(conversationId);
    return promise;
  }

  /** Messages from the cache store, sent again with their own ids (the server drops the duplicates). */
  restore(messages: readonly OutgoingMessage[]): void {
    this.queue.restore(messages, this.now());
    for (const id of this.queue.conversationIds()) {
      this.options.onChanged(id);
      void this.pump(id);
    }
  }

  /** The message arrived by another way (the live event, a sync): whatever attempt is running, it is done. */
  confirm(data: MessageSnapshot): void {
    if (!this.queue.confirm(data.clientMessageId)) return;
    this.settle(data.clientMessageId, data);
    this.changed(data.conversationId);
  }

  /** The connection is back: messages waiting out a backoff go now. */
  connectionRestored(): void {
    for (const id of this.queue.retryNow(this.now())) {
      this.clearWake(id);
      void this.pump(id);
    }
  }

  retry(clientMessageId: string): boolean {
    const m = this.queue.retry(clientMessageId, this.now());
    if (!m) return false;
    this.changed(m.conversationId);
    void this.pump(m.conversationId);
    return true;
  }

  discard(clientMessageId: string): boolean {
    const m = this.queue.find(clientMessageId);
    if (!m || !this.queue.discard(clientMessageId)) return false;
    this.fail(clientMessageId, new ParleyApiError(0, 'the send was cancelled', 'cancelled'));
    this.changed(m.conversationId);
    return true;
  }

  messages(conversationId: string): OutgoingMessage[] {
    return this.queue.forConversation(conversationId);
  }

  has(clientMessageId: string): boolean {
    return this.queue.find(clientMessageId) !== undefined;
  }

  /** Stops sending and waits for the last write of the queue; queued messages stay in the store. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.wakeTimers.keys()]) this.clearWake(id);
    while (this.writing) await this.writing;
  }

  private async pump(conversationId: string): Promise<void> {
    if (this.closed || this.pumping.has(conversationId)) return;
    this.pumping.add(conversationId);
    try {
      while (!this.closed) {
        const decision = this.queue.next(conversationId, this.now());
        if (decision.kind === 'wait') {
          this.wakeLater(conversationId, decision.ms);
          return;
        }
        if (decision.kind !== 'send') return;
        const { clientMessageId } = decision.message;
        this.queue.startAttempt(clientMessageId);
        this.changed(conversationId);
        try {
          const data = await this.options.send(decision.message);
          this.queue.confirm(clientMessageId);
          this.options.onSent(data);
          this.settle(clientMessageId, data);
        } catch (err) {
          const outcome = this.queue.attemptFailed(clientMessageId, failureOf(err), this.now());
          if (outcome === 'failed') this.fail(clientMessageId, err as Error);
        }
        this.changed(conversationId);
      }
    } finally {
      this.pumping.delete(conversationId);
    }
  }

  private wakeLater(conversationId: string, ms: number): void {
    this.clearWake(conversationId);
    this.wakeTimers.set(
      conversationId,
      setTimeout(() => {
        this.wakeTimers.delete(conversationId);
        void this.pump(conversationId);
      }, ms),
    );
  }

  private clearWake(conversationId: string): void {
    const timer = this.wakeTimers.get(conversationId);
    if (timer) clearTimeout(timer);
    this.wakeTimers.delete(conversationId);
  }

  private settle(clientMessageId: string, data: MessageSnapshot): void {
    for (const w of this.waiters.get(clientMessageId) ?? []) w.resolve(data);
    this.waiters.delete(clientMessageId);
  }

  private fail(clientMessageId: string, err: Error): void {
    for (const w of this.waiters.get(clientMessageId) ?? []) w.reject(err);
    this.waiters.delete(clientMessageId);
  }

  private changed(conversationId: string): void {
    this.options.onChanged(conversationId);
    this.persist();
  }

  /** One write at a time; changes made during a write are saved by one more write after it. */
  private persist(): void {
    const persist = this.options.persist;
    if (!persist) return;
    if (this.writing) {
      this.writeAgain = true;
      return;
    }
    this.writing = (async () => {
      do {
        this.writeAgain = false;
        try {
          await persist(this.queue.snapshot());
        } catch (err) {
          this.options.onPersistError?.(err as Error);
        }
      } while (this.writeAgain);
      this.writing = undefined;
    })();
  }
}

function failureOf(err: unknown): SendFailure {
  if (err instanceof ParleyApiError)
    return { status: err.status, message: err.message, code: err.code, retryable: err.retryable };
  return { status: 0, message: (err as Error)?.message ?? String(err), retryable: true };
}
