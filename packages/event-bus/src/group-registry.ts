import type { Redis } from 'ioredis';
import { allTopics, type Topic } from './topics.js';
import { parseStoredRetryPolicy, type RetryPolicy } from './retry-policy.js';

export interface GroupDelivery {
  group: string;
  policy: RetryPolicy;
}

/**
 * Which groups listen to which topic, kept in Redis so that any publishing process fans out to groups whose
 * workers run elsewhere (or are down: their jobs wait in their queue). Keys use `_bus`, a segment no group
 * name can take, so they never collide with BullMQ's `<prefix>:<queue>:*` keys.
 */
export class GroupRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private topicGroupsKey(topic: Topic): string {
    return `${this.prefix}:_bus:topic-groups:${topic}`;
  }

  private get policiesKey(): string {
    return `${this.prefix}:_bus:group-policies`;
  }

  /**
   * The latest subscription of a group defines its topics: it is added to the sets of the topics it handles
   * and removed from the others, so a topic dropped from a consumer stops producing jobs it cannot handle.
   * One MULTI, so a publisher never sees half a registration.
   */
  async register(group: string, topics: readonly Topic[], policy: RetryPolicy): Promise<void> {
    const handled = new Set<Topic>(topics);
    const multi = this.redis.multi();
    for (const topic of allTopics()) {
      if (handled.has(topic)) multi.sadd(this.topicGroupsKey(topic), group);
      else multi.srem(this.topicGroupsKey(topic), group);
    }
    multi.hset(this.policiesKey, group, JSON.stringify(policy));
    throwFirstError(await multi.exec());
  }

  /** Groups (with their retry policy) subscribed to each of `topics`, read in one round trip. */
  async deliveriesFor(topics: readonly Topic[]): Promise<Map<Topic, GroupDelivery[]>> {
    const distinct = [...new Set(topics)];
    const pipeline = this.redis.pipeline();
    for (const topic of distinct) pipeline.smembers(this.topicGroupsKey(topic));
    pipeline.hgetall(this.policiesKey);
    const replies = throwFirstError(await pipeline.exec());
    const policies = (replies[distinct.length] ?? {}) as Record<string, string>;
    const deliveries = new Map<Topic, GroupDelivery[]>();
    distinct.forEach((topic, index) => {
      const groups = ((replies[index] ?? []) as string[]).slice().sort();
      deliveries.set(
        topic,
        groups.map((group) => ({ group, policy: parseStoredRetryPolicy(policies[group]) })),
      );
    });
    return deliveries;
  }
}

function throwFirstError(results: [Error | null, unknown][] | null): unknown[] {
  // ioredis answers null when the transaction was aborted (e.g. the connection dropped mid-way).
  if (!results) throw new Error('event bus: Redis transaction aborted');
  for (const [err] of results) if (err) throw err;
  return results.map(([, value]) => value);
}
