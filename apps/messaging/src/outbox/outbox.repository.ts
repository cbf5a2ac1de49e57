/** The outbox SQL lives in @parley/outbox; the rest of the app keeps importing it from here. */
export { OutboxRepository, type OutboxRow } from '@parley/outbox';
