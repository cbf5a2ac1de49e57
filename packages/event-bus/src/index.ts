export {
  Topics,
  topicOfConversationEvent,
  isTopic,
  parseTopicPayload,
  type Topic,
  type TopicPayloads,
} from './topics.js';
export { ConsumerGroups, type ConsumerGroup } from './consumer-groups.js';
export {
  DelayedJobs,
  isDelayedJobName,
  type DelayedJob,
  type DelayedJobName,
  type DelayedJobPayloads,
} from './delayed-jobs.js';
export { toBusEvent, type BusEvent, type PublishInput } from './bus-event.js';
export { InvalidPayloadError } from './invalid-payload.js';
export {
  EventBus,
  type DelayedJobHandler,
  type DelayedJobHandlers,
  type DelayedJobsRunner,
  type EventBusOptions,
  type RunDelayedJobsOptions,
  type SubscribeOptions,
} from './event-bus.js';
export type { Subscription, TopicHandler, TopicHandlers } from './group-worker.js';
export type { DeadLetter, DelayedDeadLetter } from './dead-letters.js';
export type { RetryPolicy } from './retry-policy.js';
export { BusMetrics, busMetricDefinitions, type BusMetricsRecorder } from './bus-metrics.js';
export { RealtimeFanout, type RealtimeFanoutOptions } from './realtime-fanout.js';
export { EventConsumer, OnDelayedJob, OnTopic } from './nest/decorators.js';
export { EventBusModule, type EventBusModuleOptions } from './nest/event-bus.module.js';
export type { ConsumerGroupDeclaration, DelayedJobsDeclaration } from './nest/handler-plan.js';
/** Thrown by a handler, sends the job to the dead letters at once instead of retrying it. */
export { UnrecoverableError } from 'bullmq';
