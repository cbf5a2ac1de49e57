import { assertTopic, type Topic, type TopicPayloads } from './topics.js';

/** What a handler receives; also the BullMQ job data, so it must stay plain JSON. */
export interface BusEvent<T extends Topic = Topic> {
  /** The producer's event id; doubles as the BullMQ job id, which is what makes re-publishing harmless. */
  id: string;
  topic: T;
  /** ISO-8601 time the event happened (not the time it was published). */
  occurredAt: string;
  payload: TopicPayloads[T];
}

export interface PublishInput {
  topic: Topic;
  id: string;
  payload: unknown;
  occurredAt?: string;
}

/**
 * BullMQ refuses ids that look like integers (they would clash with its own counters) and ids with `:`
 * (its key separator); saying so here gives the caller a clear message before anything is written.
 */
function assertEventId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new Error(`event bus: event id must be a non-empty string, got ${JSON.stringify(id)}`);
  }
  if (id.includes(':') || String(Number.parseInt(id, 10)) === id) {
    throw new Error(`event bus: event id "${id}" is not usable as a job id (no ":" and not an integer)`);
  }
}

/** Validates what escapes the type system (topic, id) and fills in `occurredAt`. */
export function toBusEvent(input: PublishInput, now: () => Date = () => new Date()): BusEvent {
  assertTopic(input.topic);
  assertEventId(input.id);
  return {
    id: input.id,
    topic: input.topic,
    occurredAt: input.occurredAt ?? now().toISOString(),
    payload: input.payload as TopicPayloads[Topic],
  };
}
