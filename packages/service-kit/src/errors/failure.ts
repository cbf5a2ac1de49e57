import { AuthenticationError, AuthorizationError } from '@parley/auth';
import type { ErrorBody } from '@parley/protocol';
import {
  DomainError,
  RateLimitedError,
  UnavailableError,
  ValidationError,
  type FailureKind,
  type FieldIssue,
} from './domain-errors.js';

/** What went wrong, independent of the transport that reports it. */
export interface Failure {
  kind: FailureKind | 'internal';
  code: string;
  message: string;
  issues?: FieldIssue[];
  retryAfterSeconds?: number;
  /** An authentication failure's RFC 6750 challenge. */
  challenge?: string;
}

const internal: Failure = { kind: 'internal', code: 'internal', message: 'internal error' };

/**
 * Classifies any thrown value. Unknown errors are `internal`: their message and stack stay in the logs
 * and never reach a client.
 */
export function describeFailure(err: unknown): Failure {
  if (err instanceof ValidationError)
    return { kind: 'invalid', code: err.code, message: err.message, issues: err.issues };
  if (
    err instanceof RateLimitedError ||
    (err instanceof UnavailableError && err.retryAfterSeconds !== undefined)
  )
    return { kind: err.kind, code: err.code, message: err.message, retryAfterSeconds: err.retryAfterSeconds };
  if (err instanceof DomainError) return { kind: err.kind, code: err.code, message: err.message };
  if (err instanceof AuthenticationError)
    return {
      kind: 'unauthenticated',
      code: err.reason,
      message: err.message,
      challenge: `Bearer error="invalid_token", error_description="${err.reason}"`,
    };
  if (err instanceof AuthorizationError)
    return {
      kind: 'forbidden',
      code: 'insufficient_scope',
      message: `missing scope: ${err.missingScopes.join(' ')}`,
    };
  return describeTransportFailure(err) ?? internal;
}

/** Errors raised before any handler runs: Express' body parser, Nest's router. */
function describeTransportFailure(err: unknown): Failure | undefined {
  const type = bodyParserErrorType(err);
  if (type === 'entity.too.large')
    return { kind: 'too_large', code: 'payload_too_large', message: 'request body is too large' };
  if (type === 'entity.parse.failed')
    return { kind: 'invalid', code: 'invalid_json', message: 'request body is not valid JSON' };
  if (type === 'encoding.invalid')
    return { kind: 'invalid', code: 'invalid_utf8', message: 'request body is not valid UTF-8' };
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return { kind: 'invalid', code: 'unsupported_media_type', message: 'unsupported body encoding' };
  const status = httpStatusOf(err);
  if (status === 404) return { kind: 'not_found', code: 'no_route', message: 'no such route' };
  if (status === 405) return { kind: 'invalid', code: 'method_not_allowed', message: 'method not allowed' };
  if (status !== undefined && status >= 400 && status < 500)
    return { kind: 'invalid', code: 'bad_request', message: (err as Error).message };
  return undefined;
}

function bodyParserErrorType(err: unknown): string | undefined {
  const own = (err as { type?: unknown } | null)?.type;
  if (typeof own === 'string') return own;
  const cause = (err as { cause?: { type?: unknown } } | null)?.cause?.type;
  return typeof cause === 'string' ? cause : undefined;
}

/** Nest's HttpException without importing Nest here: `getStatus()` or `status`. */
function httpStatusOf(err: unknown): number | undefined {
  const e = err as { getStatus?: () => unknown; status?: unknown } | null;
  const status = typeof e?.getStatus === 'function' ? e.getStatus() : e?.status;
  return typeof status === 'number' ? status : undefined;
}

const httpStatusByKind: Record<Failure['kind'], number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const statusText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface HttpFailure {
  status: number;
  body: ErrorBody & { code: string };
  headers: Record<string, string>;
}

/** The HTTP answer: status, the ErrorBody every Parley API returns, and headers (challenge, Retry-After). */
export function failureToHttp(failure: Failure, statusOverride?: number): HttpFailure {
  const status = statusOverride ?? httpStatusByKind[failure.kind];
  const headers: Record<string, string> = {};
  if (failure.challenge) headers['WWW-Authenticate'] = failure.challenge;
  if (failure.retryAfterSeconds !== undefined) headers['Retry-After'] = String(failure.retryAfterSeconds);
  return {
    status,
    headers,
    body: {
      statusCode: status,
      error: statusText[status] ?? 'Error',
      message: failure.message,
      code: failure.code,
      ...(failure.issues ? { issues: failure.issues } : {}),
    },
  };
}

/** An error frame on an open WebSocket (the socket stays open). */
export function failureToWsFrame(failure: Failure): { type: 'error'; code: string; message: string } {
  return { type: 'error', code: failure.code, message: failure.message };
}

/** Close codes for failures that end a WebSocket (RFC 6455 and Parley's 4xxx range). */
export const WsCloseCodes = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  tooLarge: 1009,
  internal: 1011,
  tryAgainLater: 1013,
  tokenExpired: 4001,
  /** The client read too slowly: its send buffer passed the limit. It should reconnect and repair by seq. */
  slowConsumer: 4008,
  unauthenticated: 4401,
  forbidden: 4403,
} as const;

export function failureToWsClose(failure: Failure): { code: number; reason: string } {
  const code: Record<Failure['kind'], number> = {
    invalid: WsCloseCodes.policyViolation,
    unauthenticated: WsCloseCodes.unauthenticated,
    forbidden: WsCloseCodes.forbidden,
    not_found: WsCloseCodes.policyViolation,
    conflict: WsCloseCodes.policyViolation,
    too_large: WsCloseCodes.tooLarge,
    unsupported_type: WsCloseCodes.policyViolation,
    rate_limited: WsCloseCodes.tryAgainLater,
    unavailable: WsCloseCodes.tryAgainLater,
    internal: WsCloseCodes.internal,
  };
  // A close reason is at most 123 bytes.
  return { code: code[failure.kind], reason: truncateUtf8(failure.message, 123) };
}

/** gRPC status codes (the numbers of grpc/status.proto), so this module needs no gRPC library. */
export const GrpcCodes = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function failureToGrpc(failure: Failure): { code: number; details: string } {
  const code: Record<Failure['kind'], number> = {
    invalid: GrpcCodes.INVALID_ARGUMENT,
    unauthenticated: GrpcCodes.UNAUTHENTICATED,
    forbidden: GrpcCodes.PERMISSION_DENIED,
    not_found: GrpcCodes.NOT_FOUND,
    conflict: GrpcCodes.FAILED_PRECONDITION,
    too_large: GrpcCodes.RESOURCE_EXHAUSTED,
    unsupported_type: GrpcCodes.INVALID_ARGUMENT,
    rate_limited: GrpcCodes.RESOURCE_EXHAUSTED,
    unavailable: GrpcCodes.UNAVAILABLE,
    internal: GrpcCodes.INTERNAL,
  };
  return { code: code[failure.kind], details: failure.message };
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  return new TextDecoder().decode(bytes.slice(0, maxBytes)).replace(/\uFFFD$/, '');
}
