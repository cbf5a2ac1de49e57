import { DiscoveryService } from '@nestjs/core';
import type { BusEvent } from '../bus-event.js';
import { assertGroupName } from '../consumer-groups.js';
import { assertDelayedJobName, type DelayedJob, type DelayedJobName } from '../delayed-jobs.js';
import { assertTopic, type Topic } from '../topics.js';

/** Discoverable markers (Nest indexes the classes); the public decorators below check their argument first. */
export const eventConsumerMarker = DiscoveryService.createDecorator<{ group: string }>();
export const topicHandlerMarker = DiscoveryService.createDecorator<{ topics: Topic[] }>();
export const delayedJobHandlerMarker = DiscoveryService.createDecorator<{ names: DelayedJobName[] }>();

/** Names the consumer group whose topics the class's `@OnTopic` methods handle. */
export function EventConsumer(group: string): ClassDecorator {
  assertGroupName(group);
  return eventConsumerMarker({ group });
}

/**
 * Nest keeps one metadata value per key and method, so stacking two decorators would silently keep only one;
 * the names collected so far are remembered per method function and written again as a whole.
 */
const topicsByMethod = new WeakMap<object, Topic[]>();
const delayedJobsByMethod = new WeakMap<object, DelayedJobName[]>();

/**
 * Marks the method that handles `topic` for the consumer group of its class. The method must accept the
 * topic's event, which the compiler checks. Stack it to handle several topics with one method.
 */
export function OnTopic<T extends Topic>(topic: T) {
  assertTopic(topic);
  return <M extends (event: BusEvent<T>) => Promise<void>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const method = descriptor.value as object;
    const topics = [...(topicsByMethod.get(method) ?? []), topic];
    topicsByMethod.set(method, topics);
    topicHandlerMarker({ topics })(target, key, descriptor);
  };
}

/** Marks the method that runs the delayed job `name` when it is due. */
export function OnDelayedJob<N extends DelayedJobName>(name: N) {
  assertDelayedJobName(name);
  return <M extends (job: DelayedJob<N>) => Promise<void>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const method = descriptor.value as object;
    const names = [...(delayedJobsByMethod.get(method) ?? []), name];
    delayedJobsByMethod.set(method, names);
    delayedJobHandlerMarker({ names })(target, key, descriptor);
  };
}
