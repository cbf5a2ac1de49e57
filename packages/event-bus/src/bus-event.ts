import { currentRequestId } from '@parley/logger';
import { UnrecoverableError } from 'bullmq';
import { assertTopic, isTopic, parseTopicPayload, type Topic, type TopicPayloads } from './topics.js';

/** What a handler receives; also the BullMQ job data, so it must stay plain JSON. */
export interface BusEvent<T extends Topic = Topic> {
  /** The producer's event id; doubles as the BullMQ job id, which is what makes re-publishing harmless. */
  id: string;
  topic: T;
  /** ISO-8601 time the event happened (not the time it was published). */
  occurredAt: string;
  payload: TopicPayloads[T];
  /** Where the event came from: the id of the request that caused it, carried into the handler's logs. */
  metadata?: EventMetadata;
}

export interface EventMetadata {
  requestId?: string;
}

export interface PublishInput {
  topic: Topic;
  id: string;
  payload: unknown;
  occurredAt?: string;
  /** Defaults to the request being served (its log context), if any. */
  metadata?: EventMetadata;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function metadataOf(value: unknown): EventMetadata | undefined {
  const requestId = (value as EventMetadata | null | undefined)?.requestId;
  return typeof requestId === 'string' && REQUEST_ID.test(requestId) ? { requestId } : undefined;
}

/**
 * BullMQ refuses ids that look like integers (they would clash with its own counters) and ids with `:`
 * (its key separator); saying so here gives the caller a clear message before anything is written.
 */
export function assertJobId(id: unknown, what = 'event id'): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new Error(`event bus: ${what} must be a non-empty string, got ${JSON.stringify(id)}`);
  }
  if (id.includes(':') || String(Number.parseInt(id, 10)) === id) {
    throw new Error(`event bus: ${what} "${id}" is not usable as a job id (no ":" and not an integer)`);
  }
}

function assertOccurredAt(value: unknown, eventId: string): asserts value is string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new Error(
      `event bus: occurredAt of event ${eventId} must be an ISO-8601 time, got ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Validates what escapes the type system (topic, id, time) and parses the payload with the topic's protocol
 * schema, so a bad event is refused at the publisher, before anything is written to Redis.
 * Throws InvalidPayloadError for a payload that does not fit, a plain Error for the rest.
 */
export function toBusEvent(input: PublishInput, now: () => Date = () => new Date()): BusEvent {
  assertTopic(input.topic);
  assertJobId(input.id);
  const occurredAt = input.occurredAt ?? now().toISOString();
  assertOccurredAt(occurredAt, input.id);
  const requestId = input.metadata?.requestId ?? currentRequestId();
  const metadata = metadataOf({ requestId });
  return {
    id: input.id,
    topic: input.topic,
    occurredAt,
    payload: parseTopicPayload(input.topic, input.id, input.payload),
    ...(metadata ? { metadata } : {}),
  };
}

/**
 * The consumer's side of the same contract: a job whose data is not a well-formed event of its topic (written
 * by an older or buggy publisher, or by hand) can never succeed, so it is refused with UnrecoverableError and
 * goes to the dead letters at once instead of burning its retries.
 */
export function parseDeliveredEvent(group: string, jobName: string, data: unknown): BusEvent {
  const fail = (reason: string): never => {
    throw new UnrecoverableError(`group "${group}" refused a "${jobName}" job: ${reason}`);
  };
  if (!isTopic(jobName)) return fail('unknown topic');
  if (typeof data !== 'object' || data === null) return fail('the job data is not an event');
  const event = data as Partial<Record<keyof BusEvent, unknown>>;
  if (event.topic !== jobName) return fail(`the event's topic is ${JSON.stringify(event.topic)}`);
  try {
    assertJobId(event.id);
    assertOccurredAt(event.occurredAt, event.id);
    const metadata = metadataOf(event.metadata);
    return {
      id: event.id,
      topic: jobName,
      occurredAt: event.occurredAt,
      payload: parseTopicPayload(jobName, event.id, event.payload),
      ...(metadata ? { metadata } : {}),
    };
  } catch (err) {
    return fail((err as Error).message);
  }
}
