// The messaging client is @parley/server-sdk; this path re-exports what the integration tests import from it.
export type { SignalSender } from '@parley/server-sdk';
