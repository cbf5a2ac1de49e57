// The operator queue is @parley/desk's roster, shared with messaging's support desk; this name stays for
// code that still imports it from here.
export { OperatorRoster as OperatorQueue } from '@parley/desk';
