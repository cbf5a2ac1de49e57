import { describe, expect, it } from 'vitest';
import { SendQueue, type SendFailure } from './send-queue.js';

const text = (body: string) => [{ mimeType: 'text/plain', body }];
const offline: SendFailure = { status: 0, message: 'network error', retryable: true };
const forbidden: SendFailure = { status: 403, message: 'not a participant', retryable: false };
const policy = { giveUpAfterMs: 10_000, minRetryDelayMs: 100, maxRetryDelayMs: 1_000 };

describe('SendQueue', () => {
  it('sends one message at a time per conversation, in the order they were queued', () => {
    const q = new SendQueue(policy);
    q.enqueue('c1', text('one'), 'a', 0);
    q.enqueue('c1', text('two'), 'b', 1);
    q.enqueue('c2', text('elsewhere'), 'x', 2);

    const first = q.next('c1', 5);
    expect(first).toMatchObject({ kind: 'send', message: { clientMessageId: 'a' } });
    q.startAttempt('a');
    expect(q.next('c1', 5)).toEqual({ kind: 'busy' });
    // Another conversation is not held back by c1's message in flight.
    expect(q.next('c2', 5)).toMatchObject({ kind: 'send', message: { clientMessageId: 'x' } });

    expect(q.confirm('a')?.clientMessageId).toBe('a');
    expect(q.next('c1', 6)).toMatchObject({ kind: 'send', message: { clientMessageId: 'b' } });
  });

  it('enqueueing the same clientMessageId twice keeps one message', () => {
    const q = new SendQueue(policy);
    q.enqueue('c1', text('one'), 'a', 0);
    q.enqueue('c1', text('one again'), 'a', 1);
    expect(q.size).toBe(1);
    expect(q.find('a')?.parts).toEqual(text('one'));
  });

  it('retries a network failure with growing backoff, keeping its place and its id', () => {
    const q = new SendQueue(policy);
    q.enqueue('c1', text('one'), 'a', 0);
    q.enqueue('c1', text('two'), 'b', 0);
    q.startAttempt('a');
    expect(q.attemptFailed('a', offline, 0)).toBe('retry');
    expect(q.next('c1', 50)).toEqual({ kind: 'wait', ms: 50 });
    q.startAttempt('a');
    expect(q.attemptFailed('a', offline, 100)).toBe('retry');
    expect(q.next('c1', 100)).toEqual({ kind: 'wait', ms: 200 });
    // 'b' never overtakes 'a' while 'a' is still being retried.
    expect(q.next('c1', 299)).toMatchObject({ kind: 'wait' });
    expect(q.next('c1', 300)).toMatchObject({ kind: 'send', message: { clientMessageId: 'a', attempts: 2 } });
  });

  it('backoff never exceeds the maximum delay', () => {
    const q = new SendQueue(policy);
    q.enqueue('c1', text('one'), 'a', 0);
    for (let i = 0; i < 8; i++) {
      q.startAttempt('a');
      q.attemptFailed('a', offline, 0);
    }
    expect(q.next('c1', 0)).toEqual({ kind: 'wait', ms: 1_000 });
  });

  it('the connection coming back makes waiting messages due at once', () => {
    const q = new SendQueue(policy);
    q.enqueue('c1', text('one'), 'a', 0);
    q.enqueue('c2', text('two'), 'b', 0);
    for (const id of ['a', 'b']) {
      q.startAttempt(id);
      q.attemptFailed(id, offline, 0);
    }
    expect(q.retryNow(10).sort()).toEqual(['c1', 'c2']);
    expect(q.next('c1', 10)).toMatchObject({ kind: 'send' });
    expect(q.retryNow(10)).toEqual([]);
  });

  it('a failure that can never succeed fails at once and does not hold back the next message', () => {
    const q = new SendQueue(policy);
    q.enqueue('c1', text('one'), 'a', 0);
    q.enqueue('c1', text('two'), 'b', 0);
    q.startAttempt('a');
    expect(q.attemptFailed('a', forbidden, 1)).toBe('failed');
    expect(q.find('a')).toMatchObject({ status: 'failed', lastError: forbidden });
    expect(q.next('c1', 1)).toMatchObject({ kind: 'send', message: { clientMessageId: 'b' } });
  });

  it('gives up on retryable failures only after the window, then the user may retry', () => {
    const q = new SendQueue(policy);
    q.enqueue('c1', text('one'), 'a', 0);
    q.startAttempt('a');
    expect(q.attemptFailed('a', offline, 9_999)).toBe('retry');
    q.startAttempt('a');
    expect(q.attemptFailed('a', offline, 10_000)).toBe('failed');
    expect(q.next('c1', 10_000)).toEqual({ kind: 'idle' });

    q.enqueue('c1', text('two'), 'b', 10_001);
    expect(q.retry('a', 20_000)).toMatchObject({ status: 'pending', attempts: 0, tryingSince: 20_000 });
    // A retried message goes out after those queued before the retry.
    expect(q.forConversation('c1').map((m) => m.clientMessageId)).toEqual(['b', 'a']);
    expect(q.retry('b', 20_000)).toBeUndefined();
  });

  it('restores a cached queue in send order, with the message that was in flight pending again', () => {
    const before = new SendQueue(policy);
    before.enqueue('c1', text('one'), 'a', 1);
    before.enqueue('c1', text('two'), 'b', 2);
    before.enqueue('c1', text('three'), 'c', 3);
    before.startAttempt('a');
    before.startAttempt('c');
    before.attemptFailed('c', forbidden, 3);
    const cached = before.snapshot().reverse();

    const after = new SendQueue(policy);
    after.restore(cached, 60_000);
    after.restore(cached, 60_000); // restoring twice adds nothing
    expect(after.forConversation('c1').map((m) => [m.clientMessageId, m.status])).toEqual([
      ['a', 'pending'],
      ['b', 'pending'],
      ['c', 'failed'],
    ]);
    // Restored long after it was typed, it still has a whole give-up window ahead of it.
    expect(after.find('a')?.tryingSince).toBe(60_000);
    expect(after.next('c1', 60_001)).toMatchObject({ kind: 'send', message: { clientMessageId: 'a' } });
  });

  it('discards a waiting or failed message but never one in flight', () => {
    const q = new SendQueue(policy);
    q.enqueue('c1', text('one'), 'a', 0);
    q.enqueue('c1', text('two'), 'b', 0);
    q.startAttempt('a');
    expect(q.discard('a')).toBe(false);
    expect(q.discard('b')).toBe(true);
    expect(q.discard('b')).toBe(false);
    expect(q.conversationIds()).toEqual(['c1']);
  });

  it('a failure reported for a message already confirmed changes nothing', () => {
    const q = new SendQueue(policy);
    q.enqueue('c1', text('one'), 'a', 0);
    q.startAttempt('a');
    q.confirm('a');
    expect(q.attemptFailed('a', offline, 1)).toBe('unknown');
    expect(q.size).toBe(0);
  });
});
