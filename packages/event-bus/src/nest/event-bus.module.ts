import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { EventBus, type DelayedJobsRunner } from '../event-bus.js';
import type { Subscription } from '../group-worker.js';
import { delayedJobHandlerMarker, eventConsumerMarker, topicHandlerMarker } from './decorators.js';
import {
  planHandlers,
  type ConsumerGroupDeclaration,
  type DelayedJobsDeclaration,
  type DiscoveredHandlers,
  type DiscoveredRun,
  type HandlerPlan,
} from './handler-plan.js';

export interface EventBusModuleOptions {
  /** The app's bus; the module starts and stops its workers, the app keeps owning (and closing) the bus. */
  bus: EventBus;
  /** The consumer groups this app runs, with their topics and retry policy. */
  consumerGroups?: ConsumerGroupDeclaration[];
  /** The delayed job names this app runs. */
  delayedJobs?: DelayedJobsDeclaration;
}

const EVENT_BUS_MODULE_OPTIONS = Symbol('EVENT_BUS_MODULE_OPTIONS');

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/**
 * Finds the `@OnTopic` / `@OnDelayedJob` methods of every provider and controller, checks them against the
 * declaration at module init (the app refuses to start on any mismatch), starts the workers once the whole
 * app is initialised and stops them first thing at shutdown, while the handlers' dependencies still work.
 */
@Injectable()
export class EventBusHandlerHost implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private plan: HandlerPlan | undefined;
  private readonly running: Array<Subscription | DelayedJobsRunner> = [];

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(EVENT_BUS_MODULE_OPTIONS) private readonly options: EventBusModuleOptions,
  ) {}

  onModuleInit(): void {
    this.plan = planHandlers(this.options, this.discoverHandlers());
  }

  async onApplicationBootstrap(): Promise<void> {
    const { bus } = this.options;
    const plan = this.plan ?? planHandlers(this.options, this.discoverHandlers());
    for (const { declaration, handlers } of plan.groups) {
      const { group, topics: _topics, ...subscribeOptions } = declaration;
      this.running.push(await bus.subscribe(group, handlers as never, subscribeOptions));
    }
    if (plan.delayedJobs) {
      const { names: _names, ...runOptions } = plan.delayedJobs.declaration;
      this.running.push(await bus.runDelayedJobs(plan.delayedJobs.handlers as never, runOptions));
    }
  }

  async onModuleDestroy(): Promise<void> {
    const running = this.running.splice(0);
    await Promise.all(running.map((worker) => worker.close()));
  }

  private discoverHandlers(): DiscoveredHandlers {
    const found: DiscoveredHandlers = {
      consumers: [],
      topicHandlers: [],
      delayedJobHandlers: [],
      refused: [],
    };
    const seen = new Set<object>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      // `useExisting` aliases hand out the same instance under a second token: count it once.
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      this.collect(wrapper, instance, found);
    }
    return found;
  }

  private collect(wrapper: InstanceWrapper, instance: object, found: DiscoveredHandlers): void {
    const className = instance.constructor?.name || String(wrapper.name);
    const consumer = this.discovery.getMetadataByDecorator(eventConsumerMarker, wrapper);
    if (consumer) found.consumers.push({ where: className, group: consumer.group });

    const methods = this.scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object | null);
    let hasHandlers = false;
    for (const method of methods) {
      const where = `${className}.${method}`;
      const run: DiscoveredRun = (arg) =>
        (instance as Record<string, (arg: unknown) => Promise<void>>)[method]!(arg);
      for (const topic of this.discovery.getMetadataByDecorator(topicHandlerMarker, wrapper, method)
        ?.topics ?? []) {
        hasHandlers = true;
        found.topicHandlers.push({ where, group: consumer?.group, topic, run });
      }
      for (const name of this.discovery.getMetadataByDecorator(delayedJobHandlerMarker, wrapper, method)
        ?.names ?? []) {
        hasHandlers = true;
        found.delayedJobHandlers.push({ where, name, run });
      }
    }
    // A request-scoped or transient instance found here is a template, not the one a request would get.
    if (hasHandlers && (wrapper.isTransient || !wrapper.isDependencyTreeStatic())) {
      found.refused.push(
        `${className} has bus handlers but is not a singleton (request-scoped or transient)`,
      );
    }
  }
}

/**
 * Nest wiring of the event bus: `@EventConsumer(group)` classes with `@OnTopic(topic)` methods, and
 * `@OnDelayedJob(name)` methods, become the handler tables of the declared groups and delayed jobs.
 * The injectable `EventBus` is the one passed in.
 */
@Module({})
export class EventBusModule {
  static forRoot(options: EventBusModuleOptions): DynamicModule {
    return {
      module: EventBusModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: EVENT_BUS_MODULE_OPTIONS, useValue: options },
        { provide: EventBus, useValue: options.bus },
        EventBusHandlerHost,
      ],
      exports: [EventBus],
    };
  }
}
