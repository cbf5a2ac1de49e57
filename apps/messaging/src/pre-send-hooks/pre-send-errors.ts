import { DomainError, UnavailableError } from '@parley/service-kit';

/** The hook said no (or answered non-2xx): 422 to the sender, nothing stored, nothing delivered. */
export class RejectedByHookError extends DomainError {
  readonly code = 'rejected_by_hook';
  readonly kind = 'invalid';
  /** The HTTP status of this rejection; the shared failure table has no 422, so RejectedByHookInterceptor answers it. */
  static readonly httpStatus = 422;
}

/** The hook could not decide (timeout, unreachable, unusable answer) and its fallback is `reject`: 503. */
export class HookUnavailableError extends UnavailableError {
  override readonly code = 'hook_unavailable';
}
