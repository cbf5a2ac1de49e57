import { ParleyApiError, type SendFailure } from '@parley/sdk';
import { MessagingLimits } from '@parley/protocol';
import { describeError } from '../app/errors';
import { formatKb, utf8Bytes } from '../ui/format';

export const MAX_TEXT_BYTES: number = MessagingLimits.maxPartBodyBytes;

/** "Message is too long (70.3 KB, limit 64 KB)" */
export function tooLongMessage(bytes: number, limit = MAX_TEXT_BYTES): string {
  return `Message is too long (${formatKb(bytes)} KB, limit ${formatKb(limit)} KB). Shorten it or split it into several messages.`;
}

/** The client-side check, in UTF-8 bytes as the server counts them: an error text, or undefined when it fits. */
export function checkTextSize(text: string): string | undefined {
  const bytes = utf8Bytes(text);
  return bytes > MAX_TEXT_BYTES ? tooLongMessage(bytes) : undefined;
}

/** Text for a failed send or edit of `text`. */
export function describeSendError(err: unknown, text: string): string {
  if (err instanceof ParleyApiError) {
    if (err.status === 413) {
      const bytes = utf8Bytes(text);
      return bytes > MAX_TEXT_BYTES
        ? tooLongMessage(bytes)
        : `Message is too large for the server (${formatKb(bytes)} KB). Shorten it and try again.`;
    }
    if (err.status === 0)
      return "Not sent: can't reach the server. Your message is still here — try again when you're back online.";
    if (err.status === 403) return "Not sent: you can't write in this conversation.";
  }
  return `Not sent: ${describeError(err)}`;
}

/** Why the outbox gave up on a message, in a few words under it. */
export function describeSendFailure(failure: SendFailure | undefined): string {
  if (!failure || failure.status === 0) return "Couldn't reach the server.";
  if (failure.status === 403) return "You can't write in this conversation.";
  if (failure.status === 413) return 'Too large for the server.';
  return failure.message;
}
