import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { assertJobId } from './bus-event.js';
import { parsePayload } from './invalid-payload.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * Every delayed job: work that must happen later unless cancelled first (a ring timeout, the next ring of an
 * invite). A name is also the BullMQ queue and job name stored in Redis, so a shipped value is never renamed:
 * a changed payload gets a new `.vN` name instead. Names always contain dots, which consumer group names
 * cannot, so a delayed job's queue never collides with a group's.
 */
export const DelayedJobs = {
  /** Ends a call that nobody answered in time. */
  callRingTimeout: 'call.ring-timeout.v1',
  /** Rings an invite again, or gives up on it once its rings are spent. */
  inviteRing: 'invite.ring.v1',
  /** Gives up on the operator a proxied voice call is ringing, for the next one or for good. */
  voiceRingTimeout: 'voice.ring-timeout.v1',
  /** One attempt at delivering an outgoing webhook to a customer's endpoint. */
  webhookDelivery: 'webhook.delivery.v1',
  /** Gives a visitor's conversation to the next operator when the assigned one has not accepted in time. */
  deskAssignmentTimeout: 'desk.assignment-timeout.v1',
} as const;

export type DelayedJobName = (typeof DelayedJobs)[keyof typeof DelayedJobs];

/** The id of the thing a job is about: opaque to the bus, bounded so a job never carries a document. */
const ReferenceId = z.string().min(1).max(200);

/**
 * Payload schema and retry policy of each delayed job, declared together: the scheduler parses the payload
 * and applies the policy, the worker parses the payload again before its handler runs.
 */
const delayedJobDefinitions = {
  'call.ring-timeout.v1': {
    payload: z.object({ callId: ReferenceId }),
    retry: { attempts: 5, backoffDelayMs: 500 },
  },
  'invite.ring.v1': {
    payload: z.object({ inviteId: ReferenceId, ring: z.number().int().min(1) }),
    retry: { attempts: 5, backoffDelayMs: 500 },
  },
  'voice.ring-timeout.v1': {
    payload: z.object({ callId: ReferenceId, attempt: z.number().int().min(1) }),
    retry: { attempts: 5, backoffDelayMs: 500 },
  },
  'webhook.delivery.v1': {
    payload: z.object({ deliveryId: ReferenceId, attempt: z.number().int().min(1) }),
    retry: { attempts: 5, backoffDelayMs: 1000 },
  },
  'desk.assignment-timeout.v1': {
    payload: z.object({ conversationId: ReferenceId, assignment: z.number().int().min(1) }),
    retry: { attempts: 5, backoffDelayMs: 500 },
  },
} as const satisfies Record<DelayedJobName, { payload: z.ZodType; retry: RetryPolicy }>;

export type DelayedJobPayloads = {
  [N in DelayedJobName]: z.infer<(typeof delayedJobDefinitions)[N]['payload']>;
};

/** The same schemas, typed per name so that a generic name still finds the schema of its own payload. */
const payloadSchemas: { readonly [N in DelayedJobName]: z.ZodType<DelayedJobPayloads[N]> } = {
  'call.ring-timeout.v1': delayedJobDefinitions['call.ring-timeout.v1'].payload,
  'invite.ring.v1': delayedJobDefinitions['invite.ring.v1'].payload,
  'voice.ring-timeout.v1': delayedJobDefinitions['voice.ring-timeout.v1'].payload,
  'webhook.delivery.v1': delayedJobDefinitions['webhook.delivery.v1'].payload,
  'desk.assignment-timeout.v1': delayedJobDefinitions['desk.assignment-timeout.v1'].payload,
};

/** What a delayed job's handler receives; also the BullMQ job data, so it must stay plain JSON. */
export interface DelayedJob<N extends DelayedJobName = DelayedJobName> {
  /** The caller's id, also the BullMQ job id: scheduling it again while it is kept changes nothing. */
  id: string;
  name: N;
  /** ISO-8601 time it was scheduled, and the time it was due. */
  scheduledAt: string;
  dueAt: string;
  payload: DelayedJobPayloads[N];
}

const knownNames: ReadonlySet<string> = new Set<string>(Object.values(DelayedJobs));

export function isDelayedJobName(value: unknown): value is DelayedJobName {
  return typeof value === 'string' && knownNames.has(value);
}

export function assertDelayedJobName(value: unknown): asserts value is DelayedJobName {
  if (!isDelayedJobName(value)) throw new Error(`event bus: unknown delayed job "${String(value)}"`);
}

export function retryPolicyOf(name: DelayedJobName): RetryPolicy {
  return delayedJobDefinitions[name].retry;
}

/** The largest delay a Node timer (and so BullMQ's scheduling) handles exactly: about 24.8 days. */
const maxDelayMs = 2_147_483_647;

/** Checks everything before Redis is touched; a payload that does not fit throws InvalidPayloadError. */
export function toDelayedJob<N extends DelayedJobName>(
  name: N,
  jobId: unknown,
  payload: unknown,
  delayMs: unknown,
  now: Date,
): DelayedJob<N> {
  assertDelayedJobName(name);
  assertJobId(jobId, 'delayed job id');
  if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > maxDelayMs) {
    throw new Error(
      `event bus: delay of "${name}" ${jobId} must be an integer 0..${maxDelayMs} ms, got ${delayMs}`,
    );
  }
  return {
    id: jobId,
    name,
    scheduledAt: now.toISOString(),
    dueAt: new Date(now.getTime() + delayMs).toISOString(),
    payload: parsePayload(payloadSchemas[name], payload, name, jobId),
  };
}

/** As for topics: data that is not a well-formed job of its name goes to the dead letters without retries. */
export function parseDueJob(jobName: string, data: unknown): DelayedJob {
  const fail = (reason: string): never => {
    throw new UnrecoverableError(`delayed job "${jobName}" refused: ${reason}`);
  };
  if (!isDelayedJobName(jobName)) return fail('unknown delayed job name');
  if (typeof data !== 'object' || data === null) return fail('the job data is not a delayed job');
  const job = data as Partial<Record<keyof DelayedJob, unknown>>;
  if (job.name !== jobName) return fail(`the job's name is ${JSON.stringify(job.name)}`);
  if (typeof job.scheduledAt !== 'string' || typeof job.dueAt !== 'string')
    return fail('no scheduledAt/dueAt');
  try {
    assertJobId(job.id, 'delayed job id');
    return {
      id: job.id,
      name: jobName,
      scheduledAt: job.scheduledAt,
      dueAt: job.dueAt,
      payload: parsePayload<DelayedJobPayloads[DelayedJobName]>(
        payloadSchemas[jobName],
        job.payload,
        jobName,
        job.id,
      ),
    };
  } catch (err) {
    return fail((err as Error).message);
  }
}

export function allDelayedJobNames(): DelayedJobName[] {
  return Object.values(DelayedJobs);
}
