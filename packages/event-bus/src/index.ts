export { Topics, topicOfConversationEvent, isTopic, type Topic, type TopicPayloads } from './topics.js';
export { ConsumerGroups, type ConsumerGroup } from './consumer-groups.js';
export type { BusEvent, PublishInput } from './bus-event.js';
export { EventBus, type EventBusOptions, type SubscribeOptions } from './event-bus.js';
export type { Subscription, TopicHandler, TopicHandlers } from './group-worker.js';
export type { DeadLetter } from './dead-letters.js';
export type { RetryPolicy } from './retry-policy.js';
export { RealtimeFanout, type RealtimeFanoutOptions } from './realtime-fanout.js';
/** Thrown by a handler, sends the job to the dead letters at once instead of retrying it. */
export { UnrecoverableError } from 'bullmq';
