import { DomainError } from '@parley/service-kit';

/**
 * What an adapter's `verifyWebhook` throws. They are domain errors, so the kit's one error filter answers
 * with the status of their kind; none of them lets the webhook reach the database or the bus.
 */

/** The signature is missing, does not match, or the provider has no secret configured to check it with. */
export class WebhookSignatureError extends DomainError {
  readonly code: string = 'invalid_signature';
  readonly kind = 'unauthenticated';
}

/** The signature may be right but the timestamp is outside the replay window. */
export class StaleWebhookError extends DomainError {
  readonly code: string = 'stale_webhook';
  readonly kind = 'unauthenticated';
}

/** Signed correctly, but the body is not what the provider's webhook schema says. */
export class MalformedWebhookError extends DomainError {
  readonly code: string = 'malformed_webhook';
  readonly kind = 'invalid';
}

/** The provider never sends this content type; answered before the body is looked at. */
export class UnsupportedWebhookContentTypeError extends DomainError {
  readonly code: string = 'unsupported_media_type';
  readonly kind = 'unsupported_type';
}
