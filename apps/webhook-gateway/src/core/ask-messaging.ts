import { MessagingUnavailableError } from '@parley/server-sdk';
import { UnavailableError } from '@parley/service-kit';

/** Messaging could not answer a lookup a request needs: HTTP 503 `messaging_unavailable`, try again later. */
export class MessagingLookupUnavailableError extends UnavailableError {
  override readonly code: string = 'messaging_unavailable';
}

/**
 * A lookup at messaging made on behalf of a request. The SDK's MessagingUnavailableError is a plain error (it
 * knows nothing of HTTP); here it becomes the domain error the one error filter answers with 503.
 */
export async function askMessaging<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (err) {
    if (err instanceof MessagingUnavailableError)
      throw new MessagingLookupUnavailableError(err.message, { cause: err });
    throw err;
  }
}
