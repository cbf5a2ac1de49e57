// The terminal lives in @parley/testing, shared with the deployment tests.
export { GrpcTerminal, type TerminalKind as Kind } from '@parley/testing';
