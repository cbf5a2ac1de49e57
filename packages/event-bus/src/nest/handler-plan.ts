import { assertGroupName } from '../consumer-groups.js';
import { isDelayedJobName, type DelayedJobName } from '../delayed-jobs.js';
import type { RunDelayedJobsOptions, SubscribeOptions } from '../event-bus.js';
import { isTopic, type Topic } from '../topics.js';

/** A consumer group this app runs: the topics it subscribes to, each of which needs exactly one handler. */
export interface ConsumerGroupDeclaration extends SubscribeOptions {
  group: string;
  topics: readonly Topic[];
}

/** The delayed job names this app runs, each of which needs exactly one handler. */
export interface DelayedJobsDeclaration extends RunDelayedJobsOptions {
  names: readonly DelayedJobName[];
}

export type DiscoveredRun = (arg: never) => Promise<void>;

/** What discovery found in the app, already stripped of Nest: pure data plus bound methods. */
export interface DiscoveredHandlers {
  /** Classes marked `@EventConsumer(group)`, as `ClassName`. */
  consumers: Array<{ where: string; group: string }>;
  /** Methods marked `@OnTopic(topic)`, as `ClassName.method`, with the group of their class if it has one. */
  topicHandlers: Array<{ where: string; group: string | undefined; topic: string; run: DiscoveredRun }>;
  /** Methods marked `@OnDelayedJob(name)`. */
  delayedJobHandlers: Array<{ where: string; name: string; run: DiscoveredRun }>;
  /** Problems discovery already knows about (e.g. a handler on a request-scoped provider). */
  refused: string[];
}

export interface HandlerPlan {
  groups: Array<{ declaration: ConsumerGroupDeclaration; handlers: Record<string, DiscoveredRun> }>;
  delayedJobs: { declaration: DelayedJobsDeclaration; handlers: Record<string, DiscoveredRun> } | undefined;
}

/**
 * Matches what the app declares it consumes against the handlers it has. Every mismatch is a deploy that
 * would lose or strand jobs (a subscribed topic nobody handles collects jobs that all fail; two handlers for
 * one topic in one group means one of them silently never runs), so the app must not start: this throws one
 * error listing every problem, each naming its group and topic (or delayed job).
 */
export function planHandlers(
  declared: { consumerGroups?: readonly ConsumerGroupDeclaration[]; delayedJobs?: DelayedJobsDeclaration },
  found: DiscoveredHandlers,
): HandlerPlan {
  const problems: string[] = [...found.refused];
  const declaredGroups = new Map<string, ConsumerGroupDeclaration>();

  for (const declaration of declared.consumerGroups ?? []) {
    const { group } = declaration;
    try {
      assertGroupName(group);
    } catch (err) {
      problems.push((err as Error).message.replace(/^event bus: /, ''));
      continue;
    }
    if (declaredGroups.has(group)) problems.push(`consumer group "${group}" is declared twice`);
    declaredGroups.set(group, declaration);
    if (declaration.topics.length === 0) problems.push(`consumer group "${group}" subscribes to no topic`);
    for (const topic of declaration.topics) {
      if (!isTopic(topic)) problems.push(`consumer group "${group}" subscribes to unknown topic "${topic}"`);
    }
  }

  for (const consumer of found.consumers) {
    if (!declaredGroups.has(consumer.group)) {
      problems.push(
        `${consumer.where} is an @EventConsumer("${consumer.group}") but consumer group "${consumer.group}" is not declared`,
      );
    }
  }

  const byGroupAndTopic = new Map<string, Map<string, Array<{ where: string; run: DiscoveredRun }>>>();
  for (const handler of found.topicHandlers) {
    const { where, group, topic } = handler;
    if (!isTopic(topic)) {
      problems.push(`${where} handles unknown topic "${topic}"`);
      continue;
    }
    if (group === undefined) {
      problems.push(`${where} handles "${topic}" but its class names no consumer group (@EventConsumer)`);
      continue;
    }
    const declaration = declaredGroups.get(group);
    if (!declaration) continue; // Reported once for the class above.
    if (!declaration.topics.includes(topic)) {
      problems.push(
        `${where} handles "${topic}" but consumer group "${group}" does not subscribe to it (add it to the group's topics)`,
      );
      continue;
    }
    const topics =
      byGroupAndTopic.get(group) ?? new Map<string, Array<{ where: string; run: DiscoveredRun }>>();
    byGroupAndTopic.set(group, topics);
    topics.set(topic, [...(topics.get(topic) ?? []), { where, run: handler.run }]);
  }

  const groups: HandlerPlan['groups'] = [];
  for (const [group, declaration] of declaredGroups) {
    const handlers: Record<string, DiscoveredRun> = {};
    for (const topic of new Set(declaration.topics)) {
      if (!isTopic(topic)) continue; // Reported above.
      const candidates = byGroupAndTopic.get(group)?.get(topic) ?? [];
      if (candidates.length === 0) {
        problems.push(
          `consumer group "${group}" subscribes to "${topic}" but no @OnTopic("${topic}") method handles it`,
        );
      } else if (candidates.length > 1) {
        problems.push(
          `consumer group "${group}" has ${candidates.length} handlers for "${topic}": ${candidates.map((c) => c.where).join(', ')}`,
        );
      } else {
        handlers[topic] = candidates[0]!.run;
      }
    }
    groups.push({ declaration, handlers });
  }

  const delayedJobs = planDelayedJobs(declared.delayedJobs, found.delayedJobHandlers, problems);

  if (problems.length > 0) {
    throw new Error(`event bus: refusing to start:\n- ${problems.join('\n- ')}`);
  }
  return { groups, delayedJobs };
}

function planDelayedJobs(
  declaration: DelayedJobsDeclaration | undefined,
  found: DiscoveredHandlers['delayedJobHandlers'],
  problems: string[],
): HandlerPlan['delayedJobs'] {
  const declaredNames = new Set<string>(declaration?.names ?? []);
  for (const name of declaredNames) {
    if (!isDelayedJobName(name)) problems.push(`delayed job "${name}" is declared but unknown`);
  }
  if (declaration && declaredNames.size === 0) problems.push('delayed jobs are declared with no name');

  const byName = new Map<string, Array<{ where: string; run: DiscoveredRun }>>();
  for (const handler of found) {
    if (!isDelayedJobName(handler.name)) {
      problems.push(`${handler.where} handles unknown delayed job "${handler.name}"`);
    } else if (!declaredNames.has(handler.name)) {
      problems.push(
        `${handler.where} handles delayed job "${handler.name}" but the app does not declare it (add it to delayedJobs.names)`,
      );
    } else {
      byName.set(handler.name, [...(byName.get(handler.name) ?? []), handler]);
    }
  }

  const handlers: Record<string, DiscoveredRun> = {};
  for (const name of declaredNames) {
    if (!isDelayedJobName(name)) continue;
    const candidates = byName.get(name) ?? [];
    if (candidates.length === 0) {
      problems.push(`delayed job "${name}" is declared but no @OnDelayedJob("${name}") method handles it`);
    } else if (candidates.length > 1) {
      problems.push(
        `delayed job "${name}" has ${candidates.length} handlers: ${candidates.map((c) => c.where).join(', ')}`,
      );
    } else {
      handlers[name] = candidates[0]!.run;
    }
  }
  return declaration ? { declaration, handlers } : undefined;
}
