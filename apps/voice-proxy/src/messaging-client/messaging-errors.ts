// The messaging client's errors are @parley/server-sdk's; this path re-exports them for the integration tests.
export { MessagingUnavailableError, SignalRefusedError } from '@parley/server-sdk';
